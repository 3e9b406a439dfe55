using System.Collections.Concurrent;
using GridSearch.Abstractions;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>
/// A trial runner for cluster tests: deterministic metrics from the hyperparameters, no TorchSharp, and hooks that
/// let a test hold a run before an epoch or make an attempt fail.
/// </summary>
public sealed class ScriptedRunTrainer(ILocalSiloDetails silo) : IRunTrainer
{
    public const double TestAccuracy = 0.625;

    public string SiloName => silo.Name;

    public ConcurrentQueue<(string SweepId, string RunId, int Attempt, int Epoch)> TrainedEpochs { get; } = new();

    /// <summary>Runs currently inside <see cref="Train"/>, per sweep.</summary>
    public ConcurrentDictionary<string, int> ActiveRuns { get; } = new();

    /// <summary>Called before each epoch (sweep id, run id, attempt, epoch); may block until the token fires.</summary>
    public Action<RunAssignment, int, CancellationToken>? BeforeEpoch { get; set; }

    public static double Accuracy(double lr, int batchSize, int epoch) =>
        Math.Round(0.5 + ((lr * 1000 + batchSize + epoch * 7) % 11) / 40.0, 4);

    /// <summary>Data roots containing "slow-decode" decode until this is set, reporting 3 of 10 images meanwhile.</summary>
    public TaskCompletionSource SlowDecode { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DecodeProgress? Progress(DataRequest data) =>
        data.Root.Contains("slow-decode", StringComparison.Ordinal) && !SlowDecode.Task.IsCompleted ? new DecodeProgress(3, 10) : null;

    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) =>
        data.Root.Contains("slow-decode", StringComparison.Ordinal)
            ? SlowDecode.Task.ContinueWith(_ => new DatasetSummary(data.Root, ["a", "b"], 100, 80, 10, 10, [], 0.01, false), TaskScheduler.Default)
            : data.Root.Contains("missing", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"Data root '{data.Root}' does not exist.")
            : data.Root.Contains("unserializable", StringComparison.Ordinal)
                ? throw new NotForTheWireException($"Data root '{data.Root}' is refused by the scripted trainer; pick another.")
                : Task.FromResult(new DatasetSummary(data.Root, ["a", "b"], 100, 80, 10, 10, [], 0.01, false));

    // Roots naming "fused" get fused groups (trained one run after another by the default TrainFused).
    public TrainerCapabilities Capabilities(DataRequest data) => new(FusedTraining: data.Root.Contains("fused", StringComparison.Ordinal));

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        ActiveRuns.AddOrUpdate(assignment.SweepId, 1, (_, n) => n + 1);
        try
        {
            for (int epoch = (start?.Epoch ?? 0) + 1; epoch <= assignment.Epochs; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                BeforeEpoch?.Invoke(assignment, epoch, cancellation);
                cancellation.ThrowIfCancellationRequested();
                TrainedEpochs.Enqueue((assignment.SweepId, assignment.RunId, assignment.Attempt, epoch));
                var metrics = new EpochMetrics(epoch, 1.0 / epoch, Accuracy(assignment.Parameters.LearningRate, assignment.Parameters.BatchSize, epoch), 0.001, 1);
                progress.Batch(epoch, 1, 1);
                progress.Epoch(metrics, [epoch, (float)assignment.Parameters.LearningRate, assignment.Parameters.BatchSize]);
            }
        }
        finally
        {
            ActiveRuns.AddOrUpdate(assignment.SweepId, 0, (_, n) => n - 1);
        }
    }

    /// <summary>Winner tests still to fail, per data root (a flaky test evaluation, say an out-of-memory on the GPU).</summary>
    public ConcurrentDictionary<string, int> TestFailures { get; } = new();

    public GridSearch.Abstractions.TestResult Test(DataRequest data, float[] weights, CellParameters? cell, CancellationToken cancellation)
    {
        if (TestFailures.TryGetValue(data.Root, out int left) && left > 0 && TestFailures.TryUpdate(data.Root, left - 1, left))
        {
            throw new InvalidOperationException("the scripted test evaluation failed");
        }

        return new GridSearch.Abstractions.TestResult(TestAccuracy);
    }
}

/// <summary>Like the training library's exceptions: a type Orleans has no codec for.</summary>
public sealed class NotForTheWireException(string message) : Exception(message);
