using Orleans.Concurrency;

namespace GridSearch.Abstractions;

/// <summary>
/// One sweep, keyed by its sweep id: expands the grid into cells, dispatches them to trainer silos, keeps the
/// best (cell, epoch) and its weights, and tests the winner when every cell is done.
/// </summary>
[Alias("gridsearch.ISweepCoordinatorGrain")]
public interface ISweepCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>
    /// Validates the spec (every problem at once), loads the data set on a trainer silo to check it, and starts the
    /// sweep. Nothing is stored when it is rejected. Waits for the data set to load, hence the long timeout.
    /// </summary>
    [Alias("Start"), ResponseTimeout("00:30:00")]
    Task<SweepStartResult> StartAsync(SweepSpec spec);

    /// <summary>The sweep as it stands, or null when no sweep has this id. Never waits on training.</summary>
    [Alias("GetSnapshot"), AlwaysInterleave]
    Task<SweepSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// What changed since <paramref name="after"/> (null: everything), or null when no sweep has this id. Watchers
    /// poll this instead of the snapshot. Never waits on training.
    /// </summary>
    [Alias("GetChanges"), AlwaysInterleave]
    Task<SweepChanges?> GetChangesAsync(SweepChangesCursor? after);

    /// <summary>Cancels pending and running cells (running ones stop between batches).</summary>
    [Alias("Cancel")]
    Task<SweepSnapshot?> CancelAsync();

    /// <summary>
    /// Continues an interrupted sweep: runs that were running are dispatched again from their checkpoints. A Failed or
    /// Cancelled sweep runs its failed, cancelled and unfinished cells again (completed ones are kept). Refused when the
    /// data set changed since the sweep started. Waits for a trainer to list the data set, hence the long timeout.
    /// </summary>
    [Alias("Resume"), ResponseTimeout("00:30:00")]
    Task<SweepResumeResult> ResumeAsync(ResumeRequest request);

    /// <summary>
    /// Removes a finished sweep's state everywhere: its record, winner, checkpoints, registry entry and metrics.
    /// Refused while the sweep runs (cancel it first).
    /// </summary>
    [Alias("Delete"), ResponseTimeout("00:05:00")]
    Task<SweepDeleteResult> DeleteAsync();

    /// <summary>The weights after the best (cell, epoch), or null before the first epoch finishes.</summary>
    [Alias("GetWinnerWeights")]
    Task<WinnerWeights?> GetWinnerWeightsAsync();
}

/// <summary>Why a start request was turned down, if it was.</summary>
public enum SweepStartOutcome
{
    Started,
    AlreadyExists,
    Invalid,
    NoTrainer,
}

/// <summary>The answer to <see cref="ISweepCoordinatorGrain.StartAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepStartResult")]
public sealed record SweepStartResult(
    [property: Id(0)] SweepStartOutcome Outcome,
    [property: Id(1)] string[] Problems,
    [property: Id(2)] SweepSnapshot? Snapshot);

/// <summary>How to resume: <see cref="DiscardDamaged"/> retrains from scratch the runs whose checkpoint is damaged.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.ResumeRequest")]
public sealed record ResumeRequest([property: Id(0)] bool DiscardDamaged = false);

/// <summary>What a resume request did.</summary>
public enum SweepResumeOutcome
{
    Resumed,
    NotFound,
    AlreadyCompleted,
    Refused,
}

/// <summary>The answer to <see cref="ISweepCoordinatorGrain.ResumeAsync"/>; <see cref="Problems"/> say why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepResumeResult")]
public sealed record SweepResumeResult(
    [property: Id(0)] SweepResumeOutcome Outcome,
    [property: Id(1)] string[] Problems,
    [property: Id(2)] SweepSnapshot? Snapshot);

/// <summary>What a delete request did.</summary>
public enum SweepDeleteOutcome
{
    Deleted,
    NotFound,
    StillRunning,
}

/// <summary>The answer to <see cref="ISweepCoordinatorGrain.DeleteAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepDeleteResult")]
public sealed record SweepDeleteResult(
    [property: Id(0)] SweepDeleteOutcome Outcome,
    [property: Id(1)] string Message);
