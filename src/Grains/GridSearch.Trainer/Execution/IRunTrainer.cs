using GridSearch.Abstractions;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// What the executor runs on a trainer slot. The real one trains with TorchSharp; tests substitute their own.
/// Methods block on the slot's dedicated thread; none of them runs inside a grain turn.
/// </summary>
public interface IRunTrainer
{
    /// <summary>Loads (once per silo) and describes the data set of a sweep.</summary>
    Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation);

    /// <summary>Whether this trainer fuses runs, on which device, within how much memory.</summary>
    TrainerCapabilities Capabilities(DataRequest data) => TrainerCapabilities.RunsAlone;

    /// <summary>
    /// The data set's files as they are now, and their fingerprint (freshly listed, not from a cache). Runners that
    /// read no files (scripted or simulated training) have none, and their sweeps skip the data checks.
    /// </summary>
    Task<DataManifest?> ManifestAsync(DataRequest data, CancellationToken cancellation) => Task.FromResult<DataManifest?>(null);

    /// <summary>How far the data set is decoded while this silo decodes it; null when it is not decoding it.</summary>
    DecodeProgress? Progress(DataRequest data) => null;

    /// <summary>
    /// Starts loading a sweep's data set in the background, ahead of <see cref="DescribeAsync"/> (e.g. while the
    /// silo starts). Runners with nothing to load ignore it.
    /// </summary>
    void Prefetch(DataRequest data)
    {
    }

    /// <summary>
    /// Trains from <paramref name="start"/> (or from the initial weights its seed gives) to the assignment's epoch count,
    /// reporting every batch and every epoch (with the weights after it) to <paramref name="progress"/>.
    /// </summary>
    void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation);

    /// <summary>
    /// Trains the runs of a fused group, each in its row of a group <paramref name="width"/> rows wide, reporting each
    /// to its own progress. A run that fails alone reports it there; the others go on. Trainers without fused
    /// training run them one after another.
    /// </summary>
    void TrainFused(int width, IReadOnlyList<FusedLaneWork> lanes, CancellationToken cancellation) =>
        FusedLaneWork.TrainOneByOne(this, lanes, cancellation);

    /// <summary>Accuracy (and confusion matrix) on the test split of the given weights, of the model the given cell trains.</summary>
    TestResult Test(DataRequest data, float[] weights, CellParameters? cell, CancellationToken cancellation);
}
