namespace GridSearch.Abstractions;

/// <summary>
/// One training run handed to a trainer silo: the hyperparameters (epochs = how far to train this time: the largest
/// count among the cells it serves, or the next rung of a scheduler that decides there), the data, which attempt
/// this is, how many epochs the coordinator has already recorded, and the sweep incarnation whose checkpoints it may
/// resume from.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialAssignment")]
public sealed record RunAssignment(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string RunId,
    [property: Id(2)] double LearningRate,
    [property: Id(3)] int BatchSize,
    [property: Id(4)] int Epochs,
    [property: Id(5)] DataRequest Data,
    [property: Id(6)] int Attempt,
    [property: Id(7)] int RecordedEpochs,
    [property: Id(8)] string? Incarnation = null)
{
    /// <summary>Every hyperparameter of the run (its epoch count is <see cref="Epochs"/>).</summary>
    [Id(9)] public CellParameters Parameters { get; init; } = new(LearningRate, BatchSize, Epochs);
}

/// <summary>How a run ended on its trainer.</summary>
public enum RunOutcome
{
    Completed,
    Failed,
    Cancelled,

    /// <summary>The run's reports could not be delivered: it resumes from its checkpoint, with no retry used up.</summary>
    ReportsLost,

    /// <summary>
    /// The run's loss or weights stopped being finite. Training is deterministic, so a retry would diverge again at the
    /// same step: the run fails at once, whatever retries are left.
    /// </summary>
    Diverged,
}
