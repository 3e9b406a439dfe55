using GridSearch.Training.Model;
using GridSearch.Training.Trainer;

namespace GridSearch.Training.Tests;

/// <summary>
/// Fused training of logistic cells that share batch size and seed gives each cell what training it alone gives, up to
/// float rounding, and a cell that diverges leaves its group without disturbing the others.
/// </summary>
public sealed class FusedTrainerTests(ITestOutputHelper output)
{
    private static readonly TrainerOptions Options = new() { Threads = 1 };

    private static Dictionary<int, List<EpochResult>> TrainFused(TrainingData data, IReadOnlyList<TrainingPlan> plans,
        Dictionary<int, TrainingDivergedException>? failures = null)
    {
        var epochs = Enumerable.Range(0, plans.Count).ToDictionary(i => i, _ => new List<EpochResult>());
        new FusedLogisticTrainer(data, Options).Train(plans, (cell, epoch) => epochs[cell].Add(epoch),
            (cell, error) => (failures ?? throw new InvalidOperationException($"cell {cell} failed: {error.Message}"))[cell] = error,
            CancellationToken.None);
        return epochs;
    }

    [Fact]
    public void FusedCells_EachEqualTheirUnfusedRun_WithinFloatRounding()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans =
        [
            new(0.1, 8, 3, 4),
            new(0.01, 8, 2, 4),
            new(0.001, 8, 3, 4),
            new(0.05, 8, 3, 4) { Momentum = 0.9 },
            new(0.05, 8, 3, 4) { WeightDecay = 0.01, Momentum = 0.5 },
        ];

        var fused = TrainFused(data, plans);

        double largest = 0;
        int validation = data.Split.Validation.Length;
        for (int cell = 0; cell < plans.Length; cell++)
        {
            var alone = new ClassifierTrainer(data, Options).Train(plans[cell], null, CancellationToken.None);
            Assert.Equal(alone.Select(e => e.Epoch), fused[cell].Select(e => e.Epoch));
            for (int e = 0; e < alone.Count; e++)
            {
                Assert.Equal(alone[e].TrainLoss, fused[cell][e].TrainLoss, 1e-5);
                Assert.InRange(Math.Abs(alone[e].ValidationAccuracy - fused[cell][e].ValidationAccuracy), 0, 1.0 / validation + 1e-12);
                double difference = alone[e].Weights.Values.Zip(fused[cell][e].Weights.Values, (a, b) => Math.Abs(a - b)).Max();
                largest = Math.Max(largest, difference);
                Assert.True(difference < 1e-4, $"cell {cell} epoch {e + 1}: weights differ by {difference}");
            }
        }

        output.WriteLine($"largest weight difference fused vs unfused: {largest:G3}");
    }

    [Fact]
    public void CellThatDiverges_LeavesTheGroupAlone_AndTheOthersMatchTheirUnfusedRuns()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans = [new(0.05, 8, 3, 2), new(100, 8, 3, 2) { WeightDecay = 10 }, new(0.01, 8, 3, 2)];
        // Weight decay 10 at rate 100 multiplies the weights by about −999 a step: they overflow within two epochs.
        var failures = new Dictionary<int, TrainingDivergedException>();

        var fused = TrainFused(data, plans, failures);

        Assert.Equal([1], failures.Keys);
        Assert.Throws<TrainingDivergedException>(() => new ClassifierTrainer(data, Options).Train(plans[1], null, CancellationToken.None));
        foreach (int cell in new[] { 0, 2 })
        {
            var alone = new ClassifierTrainer(data, Options).Train(plans[cell], null, CancellationToken.None);
            Assert.Equal(3, fused[cell].Count);
            Assert.Equal(alone[^1].TrainLoss, fused[cell][^1].TrainLoss, 1e-5);
        }
    }

    [Fact]
    public void FusedGroup_ResumedFromItsCellsCheckpoints_EqualsTheUninterruptedGroupBitForBit()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans =
        [
            new(0.1, 8, 4, 6),
            new(0.05, 8, 4, 6) { Momentum = 0.9 },
            new(0.01, 8, 2, 6),
            new(0.05, 8, 4, 6) { WeightDecay = 0.01 },
        ];
        var whole = TrainFused(data, plans);

        // Stopped after epoch 1: each cell's checkpoint is its weights and, with momentum, its buffer.
        var first = TrainFused(data, plans.Select(p => p with { Epochs = 1 }).ToArray());
        var from = new FusedStart(1, plans.Select((_, cell) => new FusedCellState(first[cell][0].Weights, first[cell][0].FusedMomentum)).ToArray());
        Assert.NotNull(from.Cells[1].Momentum);
        Assert.Null(from.Cells[0].Momentum);
        var resumed = Enumerable.Range(0, plans.Length).ToDictionary(i => i, _ => new List<EpochResult>());
        new FusedLogisticTrainer(data, Options).Train(plans, (cell, epoch) => resumed[cell].Add(epoch),
            (cell, error) => throw error, CancellationToken.None, from);

        for (int cell = 0; cell < plans.Length; cell++)
        {
            Assert.Equal(whole[cell].Skip(1).Select(e => e.Epoch), resumed[cell].Select(e => e.Epoch));
            Assert.Equal(whole[cell].Skip(1).Select(e => e.TrainLoss), resumed[cell].Select(e => e.TrainLoss));
            Assert.True(whole[cell][^1].Weights.ContentEquals(resumed[cell][^1].Weights), $"cell {cell}: weights differ after resuming");
        }
    }

    [Fact]
    public void WhyNotFusable_NamesWhatTheCellsDoNotShare()
    {
        Assert.Null(FusedLogisticTrainer.WhyNotFusable([new(0.1, 8, 3, 1), new(0.2, 8, 5, 1) { Momentum = 0.9 }], 2));
        Assert.Contains("batch size", FusedLogisticTrainer.WhyNotFusable([new(0.1, 8, 3, 1), new(0.1, 16, 3, 1)], 2));
        Assert.Contains("adam", FusedLogisticTrainer.WhyNotFusable([new(0.1, 8, 3, 1) { Optimizer = "adam" }], 2));
        Assert.Contains("3 classes", FusedLogisticTrainer.WhyNotFusable([new(0.1, 8, 3, 1)], 3));
        Assert.Contains("mlp", FusedLogisticTrainer.WhyNotFusable([new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Mlp) }], 2));
    }
}
