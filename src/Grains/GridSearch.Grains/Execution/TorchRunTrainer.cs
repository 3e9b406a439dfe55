using GridSearch.Abstractions;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;
using Microsoft.Extensions.Options;

namespace GridSearch.Grains.Execution;

/// <summary>Runs runs with the TorchSharp trainer on this silo's shared data sets.</summary>
public sealed class TorchRunTrainer(SiloDatasets datasets, IOptions<TrainerSiloOptions> options) : IRunTrainer
{
    private TrainerOptions TrainerOptions => new() { Threads = options.Value.EffectiveThreadsPerSlot };

    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) =>
        datasets.DescribeAsync(data);

    public void Prefetch(DataRequest data) => datasets.Prefetch(data);

    public DecodeProgress? Progress(DataRequest data) => datasets.Progress(data);

    public Task<DataManifest?> ManifestAsync(DataRequest data, CancellationToken cancellation) =>
        Task.FromResult<DataManifest?>(datasets.Manifest(data));

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        using var lease = datasets.PrepareAsync(assignment.Data).GetAwaiter().GetResult();
        var trainer = new ClassifierTrainer(lease.Data, TrainerOptions);
        var cell = assignment.Parameters;
        var plan = new TrainingPlan(assignment.LearningRate, assignment.BatchSize, assignment.Epochs, assignment.Data.Seed)
        {
            Momentum = cell.Momentum, WeightDecay = cell.WeightDecay, Optimizer = cell.Optimizer, Model = CellModels.SpecOf(cell),
        };
        var from = start is null ? null : new TrainingCheckpoint(start.Epoch, new ModelWeights(start.Weights), start.OptimizerState);
        trainer.Train(plan, epoch => progress.Epoch(
                new EpochMetrics(epoch.Epoch, epoch.TrainLoss, epoch.ValidationAccuracy, epoch.Seconds, epoch.SamplesPerSecond)
                {
                    ValidationClassAccuracy = epoch.ValidationClassAccuracy,
                },
                epoch.Weights.Values, epoch.OptimizerState),
            cancellation, from, progress.Batch);
    }

    public TestResult Test(DataRequest data, float[] weights, CellParameters? cell, CancellationToken cancellation)
    {
        using var lease = datasets.PrepareAsync(data).GetAwaiter().GetResult();
        cancellation.ThrowIfCancellationRequested();
        var trainer = new ClassifierTrainer(lease.Data, TrainerOptions);
        var model = CellModels.SpecOf(cell);
        return new TestResult(trainer.Evaluate(new ModelWeights(weights), SplitPart.Test, model),
            trainer.Confusion(new ModelWeights(weights), SplitPart.Test, model));
    }
}
