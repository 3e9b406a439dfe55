using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

/// <summary>How coordinators watch over their runs (configuration section <c>GridSearch:Coordinator</c>).</summary>
public sealed class CoordinatorOptions
{
    public const string Section = "GridSearch:Coordinator";

    /// <summary>
    /// While a sweep runs, how often its coordinator asks each running run's silo whether the run is still
    /// there; runs on dead silos go back to the queue and resume from their checkpoints elsewhere.
    /// </summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When the sweep's runs have so far taken less than this on average, one extra run per trainer slot is
    /// queued on the trainers, so a slot starts its next run without waiting for the coordinator's round trip.
    /// The queue is also filled before any run has finished (their length is not known yet). Long runs get no
    /// further queue: they are better balanced by waiting for a free slot.
    /// </summary>
    public TimeSpan QueueTrialsShorterThan { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Progress (recorded epochs, dispatched and finished runs) is written at most this often, so a sweep of
    /// thousands of runs does not rewrite its state for every report. Nothing is lost in between: each run's
    /// checkpoint holds its epochs, and a resumed coordinator catches up from them. Starts, the winner's weights and
    /// the end of a sweep are written at once.
    /// </summary>
    public TimeSpan ProgressWriteInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Period of the durable reminder each unfinished sweep keeps: after a whole-cluster restart it reactivates the
    /// coordinator, which then resumes the sweep by itself. Null turns reminders off (embedded mode, where
    /// <c>gridsearch resume</c> continues a sweep and no reminder service runs).
    /// </summary>
    public TimeSpan? ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a sweep with work left waits for a trainer silo when none is active (a rolling update of the only
    /// trainer, a pre-empted GPU pool) before it fails. Null (the default) waits for as long as it takes.
    /// </summary>
    public TimeSpan? NoTrainerTimeout { get; set; }
}
