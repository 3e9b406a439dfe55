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
    [property: Id(9)] CellParameters Parameters,
    [property: Id(5)] DataRequest Data,
    [property: Id(6)] int Attempt,
    [property: Id(7)] int RecordedEpochs,
    [property: Id(8)] string? Incarnation = null)
{
    /// <summary>How far to train this time.</summary>
    public int Epochs => Parameters.Epochs;

    // Ids 2-4 are the learning rate, batch size and epoch count as trainers of releases before parameter maps read
    // them (a cluster being upgraded runs both): written from Parameters, never read by this release.
    [Id(2)] public double EarlierLearningRate { get; init; } = Parameters.LearningRate;

    [Id(3)] public int EarlierBatchSize { get; init; } = Parameters.BatchSize;

    [Id(4)] public int EarlierEpochs { get; init; } = Parameters.Epochs;
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
