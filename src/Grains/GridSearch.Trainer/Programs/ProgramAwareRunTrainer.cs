using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// The trainer a slot uses: runs of a sweep with a user's program go to <see cref="ProgramRunTrainer"/>, every other
/// run to the built-in trainer. A program reads its own data, so its sweeps have no data set to load, fuse or test.
/// </summary>
public sealed class ProgramAwareRunTrainer(IRunTrainer builtIn, ProgramRunTrainer programs) : IRunTrainer
{
    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) =>
        data.Program is null ? builtIn.DescribeAsync(data, cancellation) : Task.FromResult(ProgramRunTrainer.Describe(data));

    public TrainerCapabilities Capabilities(DataRequest data) => data.Program is null ? builtIn.Capabilities(data) : TrainerCapabilities.RunsAlone;

    public Task<DataManifest?> ManifestAsync(DataRequest data, CancellationToken cancellation) =>
        data.Program is null ? builtIn.ManifestAsync(data, cancellation) : Task.FromResult<DataManifest?>(null);

    public DecodeProgress? Progress(DataRequest data) => data.Program is null ? builtIn.Progress(data) : null;

    public void Prefetch(DataRequest data)
    {
        if (data.Program is null)
        {
            builtIn.Prefetch(data);
        }
    }

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        if (assignment.Data.Program is null)
        {
            builtIn.Train(assignment, start, progress, cancellation);
        }
        else
        {
            programs.Train(assignment, start, progress, cancellation);
        }
    }

    public void TrainFused(int width, IReadOnlyList<FusedLaneWork> lanes, CancellationToken cancellation) =>
        builtIn.TrainFused(width, lanes, cancellation);

    // A program's winner has no test split here: its numbers are what it reported (a test command comes later).
    public TestResult Test(DataRequest data, float[] weights, CellParameters? cell, CancellationToken cancellation) =>
        data.Program is null ? builtIn.Test(data, weights, cell, cancellation) : new TestResult(double.NaN);
}
