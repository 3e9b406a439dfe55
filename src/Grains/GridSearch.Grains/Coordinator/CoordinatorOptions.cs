namespace GridSearch.Grains.Coordinator;

/// <summary>How coordinators watch over their runs (configuration section <c>GridSearch:Coordinator</c>).</summary>
public sealed class CoordinatorOptions
{
    public const string Section = "GridSearch:Coordinator";

    /// <summary>
    /// While a sweep runs, how often its coordinator asks each running trial's silo whether the run is still
    /// there; runs on dead silos go back to the queue and resume from their checkpoints elsewhere.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Period of the durable reminder each unfinished sweep keeps: after a whole-cluster restart it reactivates the
    /// coordinator, which then resumes the sweep by itself. Null turns reminders off (embedded mode, where
    /// <c>gridsearch resume</c> continues a sweep and no reminder service runs).
    /// </summary>
    public TimeSpan? ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
