namespace GridSearch.Abstractions;

/// <summary>
/// One training run of a sweep (key <c>sweepId/runId</c>), activated only on trainer silos. It hands the run to the
/// silo's executor and keeps the run's checkpoint; it never waits on training.
/// </summary>
[Alias("gridsearch.ITrialGrain"), SiloOnly]
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Queues the run on this silo's trainer slots and returns at once, saying which silo took it.</summary>
    [Alias("Start")]
    Task<TrainerLocation> StartAsync(RunAssignment assignment);

    /// <summary>Stops the run between batches (or drops it from the queue).</summary>
    [Alias("Cancel")]
    Task CancelAsync();

    /// <summary>Whether this silo's executor still has the given attempt of the run queued or running.</summary>
    [Alias("IsRunning")]
    Task<bool> IsRunningAsync(int attempt);

    /// <summary>The run's checkpoint, for a fused group that trains the run on its slot (null when there is none).</summary>
    [Alias("ReadCheckpoint")]
    Task<RunCheckpoint?> ReadCheckpointAsync();

    /// <summary>Stores the run's last completed epoch and the weights after it.</summary>
    [Alias("SaveCheckpoint")]
    Task SaveCheckpointAsync(RunCheckpoint checkpoint);

    /// <summary>
    /// Population-based training: the run goes on from the donor run's checkpoint, which must be at
    /// <paramref name="epoch"/> (the donor waits for this). The run keeps its own history of epochs; the weights,
    /// optimiser state or run folder become the donor's. Repeating it copies the same.
    /// </summary>
    [Alias("AdoptCheckpoint")]
    Task AdoptCheckpointAsync(string donorRunId, int epoch);

    /// <summary>
    /// Removes the run's checkpoint if it exists but cannot be read (the user chose to retrain such runs from scratch);
    /// true when it did. An intact checkpoint is left alone.
    /// </summary>
    [Alias("DiscardIfDamaged")]
    Task<bool> DiscardIfDamagedAsync();

    /// <summary>Deletes the checkpoint once the sweep no longer needs it (a damaged one too).</summary>
    [Alias("ClearCheckpoint")]
    Task ClearCheckpointAsync();
}

/// <summary>
/// A fused group of a sweep (key <c>sweepId/groupId</c>), activated only on trainer silos: it trains those of the
/// group's runs it is handed together on one slot. Each run keeps its own checkpoint, in its <see cref="IRunGrain"/>.
/// </summary>
[Alias("gridsearch.IFusedGroupGrain"), SiloOnly]
public interface IFusedGroupGrain : IGrainWithStringKey
{
    /// <summary>Queues the group's runs on this silo's trainer slots and returns at once, saying which silo took them.</summary>
    [Alias("Start")]
    Task<TrainerLocation> StartAsync(FusedAssignment assignment);

    /// <summary>Stops one run of the group between batches; the others go on. The group ends when none is left.</summary>
    [Alias("CancelRun")]
    Task CancelRunAsync(string runId);

    /// <summary>Whether this silo still trains the given attempt of one of the group's runs.</summary>
    [Alias("IsRunning")]
    Task<bool> IsRunningAsync(string runId, int attempt);
}

/// <summary>Which silo took a run: its name for people, its address for slot accounting.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrainerLocation")]
public sealed record TrainerLocation([property: Id(0)] string Name, [property: Id(1)] string Address);

/// <summary>Loads a sweep's data set on a trainer silo and describes it (used to validate a new sweep).</summary>
[Alias("gridsearch.IDatasetInspectorGrain"), SiloOnly]
public interface IDatasetInspectorGrain : IGrainWithStringKey
{
    /// <summary>Decodes the data set on first use (or reads the silo's decode cache), then describes it.</summary>
    [Alias("Describe"), ResponseTimeout("00:30:00")]
    Task<GridSearch.Abstractions.DatasetSummary> DescribeAsync(DataRequest data);

    /// <summary>How far the data set is decoded, answered while <see cref="DescribeAsync"/> is still decoding it.</summary>
    [Alias("Progress"), Orleans.Concurrency.AlwaysInterleave]
    Task<DecodeProgress?> ProgressAsync(DataRequest data);

    /// <summary>Lists the data set's files as this trainer sees them now, with their fingerprint; null for runners without files.</summary>
    [Alias("Manifest"), ResponseTimeout("00:05:00")]
    Task<DataManifest?> ManifestAsync(DataRequest data);

    /// <summary>
    /// How many runs of each shape (a cell less its rates and length) one fused group on this trainer may hold: the
    /// requested size (<see cref="SweepSpec.AutomaticFusedGroupSize"/>: the trainer's own choice for its device),
    /// never more than its device memory holds; 1 where the trainer does not fuse.
    /// </summary>
    [Alias("FusedGroupWidths"), ResponseTimeout("00:05:00")]
    Task<int[]> FusedGroupWidthsAsync(DataRequest data, int requestedSize, CellParameters[] shapes);
}

/// <summary>Tests a sweep's winning weights on the test split, on a trainer silo (key: sweep id).</summary>
[Alias("gridsearch.IWinnerTestGrain"), SiloOnly]
public interface IWinnerTestGrain : IGrainWithStringKey
{
    /// <summary>Queues the test evaluation of the winner (its weights, and its cell for the model); the result goes to the sweep's coordinator.</summary>
    [Alias("Start")]
    Task StartAsync(DataRequest data, float[] weights, GridSearch.Abstractions.CellParameters? cell = null);

    /// <summary>
    /// Queues the test command of a user's program for the winner: run <paramref name="runId"/>'s folder as it was
    /// after <paramref name="epoch"/>, with the winning cell's values; its report goes to the sweep's coordinator.
    /// </summary>
    [Alias("StartProgramTest")]
    Task StartProgramTestAsync(DataRequest data, string runId, int epoch, GridSearch.Abstractions.CellParameters cell);

    /// <summary>Whether the evaluation is still queued or running on this silo.</summary>
    [Alias("IsRunning")]
    Task<bool> IsRunningAsync();
}

/// <summary>What trainer slots report to a sweep's coordinator (key: sweep id).</summary>
[Alias("gridsearch.ITrainerReports"), SiloOnly]
public interface ITrainerReports : IGrainWithStringKey
{
    /// <summary>
    /// A run finished an epoch; stale or repeated reports are ignored. <paramref name="replayed"/> marks an epoch
    /// re-sent from its checkpoint after a crash (trained once, reported again): it counts as trained only if the
    /// coordinator had not recorded it yet.
    /// </summary>
    [Alias("RecordEpoch")]
    Task RecordEpochAsync(string runId, int attempt, GridSearch.Abstractions.EpochMetrics metrics, float[] weights, bool replayed);

    /// <summary>
    /// A run trained its last epoch: the epoch's report and the run's completion in one message, which halves the
    /// messages of short runs. <paramref name="queuedSeconds"/>: how long the run waited for a free slot;
    /// <paramref name="trainer"/>: the silo that ran it.
    /// </summary>
    [Alias("RecordFinalEpoch")]
    Task RecordFinalEpochAsync(string runId, int attempt, GridSearch.Abstractions.EpochMetrics metrics, float[] weights, double queuedSeconds,
        TrainerLocation? trainer = null);

    /// <summary>
    /// A run ended: completed, failed (with the error) or cancelled; it had waited <paramref name="queuedSeconds"/> for
    /// a slot on <paramref name="trainer"/>.
    /// </summary>
    [Alias("RunFinished")]
    Task RunFinishedAsync(string runId, int attempt, RunOutcome outcome, string? error, double queuedSeconds, TrainerLocation? trainer = null);

    /// <summary>The winner's test accuracy, or the error that prevented it.</summary>
    [Alias("RecordTestResult")]
    Task RecordTestResultAsync(double? accuracy, string? error, long[]? confusion = null);

    /// <summary>What the winner's test command reported (every metric), or the error that prevented it.</summary>
    [Alias("RecordProgramTest")]
    Task RecordProgramTestAsync(Dictionary<string, double>? metrics, string? error);
}

/// <summary>The keys of a sweep's trainer grains: <c>sweepId/runId</c> and <c>sweepId/groupId</c>.</summary>
public static class TrainerGrainKeys
{
    public static string Run(string sweepId, string runId) => $"{sweepId}/{runId}";

    public static string FusedGroup(string sweepId, string groupId) => $"{sweepId}/{groupId}";
}
