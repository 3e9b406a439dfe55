using GridSearch.Abstractions;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;
using Microsoft.Extensions.Options;

namespace GridSearch.Trainer.Execution;

/// <summary>Runs runs with the TorchSharp trainer on this silo's shared data sets.</summary>
public sealed class TorchRunTrainer(SiloDatasets datasets, IOptions<TrainerSiloOptions> options, DevicePacking packing) : IRunTrainer
{
    private TrainerOptions TrainerOptions => new() { Threads = options.Value.EffectiveThreadsPerSlot };

    public Task<DatasetSummary> DescribeAsync(DataRequest data, CancellationToken cancellation) => datasets.DescribeAsync(data);

    public TrainerCapabilities Capabilities(DataRequest data) => new(FusedTraining: true, packing.OnGpu, packing.BudgetBytes);

    public void Prefetch(DataRequest data) => datasets.Prefetch(data);

    public DecodeProgress? Progress(DataRequest data) => datasets.Progress(data);

    public Task<DataManifest?> ManifestAsync(DataRequest data, CancellationToken cancellation) =>
        Task.FromResult<DataManifest?>(datasets.Manifest(data));

    public void Train(RunAssignment assignment, RunCheckpoint? start, IRunProgress progress, CancellationToken cancellation)
    {
        using var lease = datasets.PrepareAsync(assignment.Data).GetAwaiter().GetResult();
        var plan = PlanOf(assignment);
        using var memory = packing.Reserve(DeviceMemoryEstimate.TrainingBytes(plan.Model, lease.Data.InputFeatures, lease.Data.ClassCount,
            plan.BatchSize, optimizer: plan.Optimizer, evaluationBatchSize: TrainerOptions.EvaluationBatchSize), cancellation);
        var trainer = new ClassifierTrainer(lease.Data, TrainerOptions);
        var from = start is null ? null : new TrainingCheckpoint(start.Epoch, new ModelWeights(start.Weights), start.OptimizerState);
        trainer.Train(plan, epoch => progress.Epoch(MetricsOf(epoch), epoch.Weights.Values, epoch.OptimizerState),
            cancellation, from, progress.Batch);
    }

    public void TrainFused(int width, IReadOnlyList<FusedLaneWork> lanes, CancellationToken cancellation)
    {
        using var lease = datasets.PrepareAsync(lanes[0].Assignment.Data).GetAwaiter().GetResult();
        var rows = new FusedLane?[width];
        foreach (var lane in lanes.Where(l => l.Progress.Wanted))
        {
            rows[lane.Row] = new FusedLane(PlanOf(lane.Assignment), lane.Start is { } start
                ? new FusedLaneStart(start.Epoch, new ModelWeights(start.Weights), start.FusedMomentum)
                : null);
        }

        var plans = rows.OfType<FusedLane>().Select(l => l.Plan).ToList();
        if (plans.Count == 0)
        {
            return;
        }

        if (FusedTrainer.WhyNotFusable(plans, lease.Data.ClassCount) is not null)
        {
            // The coordinator groups only runs that fuse; should a group reach a trainer that cannot fuse it anyway,
            // its runs still train, one after another.
            FusedLaneWork.TrainOneByOne(this, lanes, cancellation);
            return;
        }

        using var memory = packing.Reserve(DeviceMemoryEstimate.TrainingBytes(plans[0].Model, lease.Data.InputFeatures,
            lease.Data.ClassCount, plans[0].BatchSize, width, evaluationBatchSize: TrainerOptions.EvaluationBatchSize), cancellation);
        new FusedTrainer(lease.Data, TrainerOptions).Train(rows, new LaneReports(lanes), cancellation);
    }

    private static TrainingPlan PlanOf(RunAssignment assignment)
    {
        var cell = assignment.Parameters;
        return new TrainingPlan(cell.LearningRate, cell.BatchSize, cell.Epochs, assignment.Data.Seed)
        {
            Momentum = cell.Momentum, WeightDecay = cell.WeightDecay, Optimizer = cell.Optimizer, Model = CellModels.SpecOf(cell),
        };
    }

    private static EpochMetrics MetricsOf(EpochResult epoch) =>
        new(epoch.Epoch, epoch.TrainLoss, epoch.ValidationAccuracy, epoch.Seconds, epoch.SamplesPerSecond)
        {
            ValidationClassAccuracy = epoch.ValidationClassAccuracy,
        };

    /// <summary>The fused trainer's reports, row by row, to each run's own progress.</summary>
    private sealed class LaneReports(IReadOnlyList<FusedLaneWork> lanes) : IFusedProgress
    {
        private readonly Dictionary<int, IFusedLaneProgress> _byRow = lanes.ToDictionary(l => l.Row, l => l.Progress);

        public bool Wanted(int row) => _byRow[row].Wanted;

        public void Batch(int row, int epoch, int batch, int samples) => _byRow[row].Batch(epoch, batch, samples);

        public void Epoch(int row, EpochResult result) =>
            _byRow[row].Epoch(MetricsOf(result), result.Weights.Values, fusedMomentum: result.FusedMomentum);

        public void Failed(int row, TrainingDivergedException error) => _byRow[row].Failed(error);
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
