using GridSearch.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>
/// A stand-in for training that waits a fixed time per run and reports synthetic epochs, so the orchestration
/// overhead (dispatch, durable state, reporting) can be measured alone, like Ray Tune's bookkeeping benchmark.
/// Chosen with GridSearch:Trainer:SimulatedTrialDuration (or <c>gridsearch run --simulate-training MS</c>).
/// </summary>
public sealed class SimulatedRunTrainer(IOptions<TrainerSiloOptions> options) : IRunTrainer
{
    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) =>
        Task.FromResult(new DatasetSummary(data.Root, ["simulated-a", "simulated-b"], 1000, 800, 100, 100, [], 0, true));

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        var duration = options.Value.SimulatedTrialDuration ?? TimeSpan.Zero;
        cancellation.WaitHandle.WaitOne(duration);
        cancellation.ThrowIfCancellationRequested();
        double seconds = duration.TotalSeconds / Math.Max(1, assignment.Epochs - (start?.Epoch ?? 0));
        for (int epoch = (start?.Epoch ?? 0) + 1; epoch <= assignment.Epochs; epoch++)
        {
            progress.Batch(epoch, 1, 800);
            double accuracy = SimulatedAccuracy(assignment, epoch);
            progress.Epoch(new EpochMetrics(epoch, 1.0 / epoch, accuracy, seconds, 800 / Math.Max(seconds, 1e-9)), [(float)accuracy]);
        }
    }

    /// <summary>
    /// A made-up accuracy in [0.5, 0.9) that depends only on the hyperparameters and the epoch: the same in every
    /// process and on every silo (HashCode is seeded per process), so simulated sweeps are reproducible too.
    /// </summary>
    private static double SimulatedAccuracy(RunAssignment assignment, int epoch)
    {
        ulong mixed = (ulong)BitConverter.DoubleToInt64Bits(assignment.Parameters.LearningRate);
        mixed = (mixed ^ (ulong)assignment.Parameters.BatchSize) * 0x9E3779B97F4A7C15UL;
        foreach (var setting in assignment.Parameters.Extra)
        {
            // Only parameters that differ from their defaults take part, so the baseline's cells keep their numbers.
            mixed = (mixed ^ (ulong)setting.ToString().Aggregate(17L, (h, c) => h * 31 + c)) * 0x9E3779B97F4A7C15UL;
        }

        mixed = (mixed ^ (ulong)epoch) * 0xBF58476D1CE4E5B9UL;
        mixed ^= mixed >> 31;
        return 0.5 + mixed % 400 / 1000.0;
    }

    public TestResult Test(DataRequest data, float[] weights, CellParameters? cell, CancellationToken cancellation) =>
        new(weights.Length > 0 ? weights[0] : 0.5);
}
