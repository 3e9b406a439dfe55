using GridSearch.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Execution;

/// <summary>
/// A stand-in for training that waits a fixed time per trial and reports synthetic epochs, so the orchestration
/// overhead (dispatch, durable state, reporting) can be measured alone, like Ray Tune's bookkeeping benchmark.
/// Chosen with GridSearch:Trainer:SimulatedTrialDuration (or <c>gridsearch run --simulate-training MS</c>).
/// </summary>
public sealed class SimulatedTrialRunner(IOptions<TrainerSiloOptions> options) : ITrialRunner
{
    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) =>
        Task.FromResult(new DatasetSummary(data.Root, ["simulated-a", "simulated-b"], 1000, 800, 100, 100, [], 0, true));

    public void Train(TrialAssignment assignment, TrialCheckpoint? start, ITrialProgress progress, CancellationToken cancellation)
    {
        var duration = options.Value.SimulatedTrialDuration ?? TimeSpan.Zero;
        cancellation.WaitHandle.WaitOne(duration);
        cancellation.ThrowIfCancellationRequested();
        double seconds = duration.TotalSeconds / Math.Max(1, assignment.Epochs - (start?.Epoch ?? 0));
        for (int epoch = (start?.Epoch ?? 0) + 1; epoch <= assignment.Epochs; epoch++)
        {
            progress.Batch(epoch, 1, 800);
            double accuracy = 0.5 + (Math.Abs(HashCode.Combine(assignment.LearningRate, assignment.BatchSize, epoch)) % 400) / 1000.0;
            progress.Epoch(new EpochMetrics(epoch, 1.0 / epoch, accuracy, seconds, 800 / Math.Max(seconds, 1e-9)), [(float)accuracy]);
        }
    }

    public double Test(DataRequest data, float[] weights, CancellationToken cancellation) => weights.Length > 0 ? weights[0] : 0.5;
}
