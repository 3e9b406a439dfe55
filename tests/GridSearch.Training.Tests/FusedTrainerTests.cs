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
        Dictionary<int, TrainingDivergedException>? failures = null) =>
        TrainLanes(data, plans.Select(p => new FusedLane(p)).ToArray(), failures);

    private static Dictionary<int, List<EpochResult>> TrainLanes(TrainingData data, IReadOnlyList<FusedLane?> rows,
        Dictionary<int, TrainingDivergedException>? failures = null)
    {
        var progress = new Recorder(rows.Count, failures);
        new FusedTrainer(data, Options).Train(rows, progress, CancellationToken.None);
        return progress.Epochs;
    }

    private sealed class Recorder(int width, Dictionary<int, TrainingDivergedException>? failures) : IFusedProgress
    {
        public Dictionary<int, List<EpochResult>> Epochs { get; } = Enumerable.Range(0, width).ToDictionary(i => i, _ => new List<EpochResult>());

        public void Epoch(int row, EpochResult result) => Epochs[row].Add(result);

        public void Failed(int row, TrainingDivergedException error) =>
            (failures ?? throw new InvalidOperationException($"lane {row} failed: {error.Message}"))[row] = error;
    }

    private static FusedLaneStart After(EpochResult epoch) => new(epoch.Epoch, epoch.Weights, epoch.FusedMomentum);

    private static void AssertSameRun(IReadOnlyList<EpochResult> expected, IReadOnlyList<EpochResult> actual, string lane)
    {
        Assert.Equal(expected.Select(e => e.Epoch), actual.Select(e => e.Epoch));
        Assert.Equal(expected.Select(e => e.TrainLoss), actual.Select(e => e.TrainLoss));
        Assert.Equal(expected.Select(e => e.ValidationAccuracy), actual.Select(e => e.ValidationAccuracy));
        for (int e = 0; e < expected.Count; e++)
        {
            Assert.True(expected[e].Weights.ContentEquals(actual[e].Weights), $"{lane}: weights after epoch {expected[e].Epoch} differ");
        }
    }

    /// <summary>The bound the README states for fused against unfused weights (largest seen on these sets: 4.2e-7).</summary>
    private const double WeightBound = 5e-7;

    /// <summary>
    /// Each lane equals its run trained alone up to float rounding: the same epochs, the unfused weight layout, every
    /// weight within <see cref="WeightBound"/>, losses within 1e-6 and the same validation accuracy (the rounding is far
    /// too small to move a prediction on these sets). Returns the largest weight difference.
    /// </summary>
    private static double AssertEachLaneIsItsUnfusedRun(TrainingData data, IReadOnlyList<TrainingPlan> plans, Dictionary<int, List<EpochResult>> fused)
    {
        double largest = 0;
        for (int lane = 0; lane < plans.Count; lane++)
        {
            var alone = new ClassifierTrainer(data, Options).Train(plans[lane], null, CancellationToken.None);
            Assert.Equal(alone.Select(e => e.Epoch), fused[lane].Select(e => e.Epoch));
            for (int e = 0; e < alone.Count; e++)
            {
                Assert.Equal(alone[e].Weights.Values.Length, fused[lane][e].Weights.Values.Length);
                Assert.Equal(alone[e].TrainLoss, fused[lane][e].TrainLoss, 1e-6);
                Assert.Equal(alone[e].ValidationAccuracy, fused[lane][e].ValidationAccuracy);
                Assert.Equal(alone[e].ValidationClassAccuracy, fused[lane][e].ValidationClassAccuracy);
                double difference = alone[e].Weights.Values.Zip(fused[lane][e].Weights.Values, (a, b) => Math.Abs(a - b)).Max();
                largest = Math.Max(largest, difference);
                Assert.True(difference <= WeightBound, $"lane {lane} epoch {e + 1}: weights differ by {difference}, more than {WeightBound}");
            }
        }

        return largest;
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

        double largest = AssertEachLaneIsItsUnfusedRun(data, plans, fused);
        output.WriteLine($"largest weight difference fused vs unfused: {largest:G3}");
    }

    [Fact]
    public void PlainSgdLanes_StepWithoutAutograd_AndEachEqualTheirUnfusedRun()
    {
        // Plain SGD on two classes takes the direct step (no gradient matrix is written).
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans = [new(0.5, 8, 3, 4), new(0.1, 8, 3, 4), new(0.01, 8, 2, 4), new(0.001, 8, 3, 4)];

        var fused = TrainFused(data, plans);

        double largest = AssertEachLaneIsItsUnfusedRun(data, plans, fused);
        output.WriteLine($"plain SGD, direct step: largest weight difference fused vs unfused {largest:G3}");

        // Resumed after epoch 1 beside an empty row, and a lane from scratch: the uninterrupted group's numbers, bit for bit.
        var mixed = TrainLanes(data, [new FusedLane(plans[0], After(fused[0][0])), null, new FusedLane(plans[2]), null]);
        AssertSameRun(fused[0].Skip(1).ToList(), mixed[0], "lane 0 resumed after epoch 1");
        AssertSameRun(fused[2], mixed[2], "lane 2 from scratch");
    }

    [Fact]
    public void DirectStep_GivesAutogradsSteps_WhereOutputsSaturateToo()
    {
        // At rate 50 sigmoid outputs saturate to exactly 0 or 1, where autograd's gradient (BCE's backward over the
        // sigmoid's) is exactly 0; the direct step must agree. The same lanes beside a lane with momentum take
        // autograd's step in a group of the same width.
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans = [new(50, 8, 3, 4), new(0.1, 8, 3, 4), new(20, 8, 3, 4)];

        var direct = TrainLanes(data, [.. plans.Select(p => new FusedLane(p)), null]);
        var autograd = TrainFused(data, [.. plans, new(0.05, 8, 3, 4) { Momentum = 0.9 }]);

        for (int lane = 0; lane < plans.Length; lane++)
        {
            for (int e = 0; e < direct[lane].Count; e++)
            {
                double scale = autograd[lane][e].Weights.Values.Max(Math.Abs);
                double difference = direct[lane][e].Weights.Values.Zip(autograd[lane][e].Weights.Values, (a, b) => Math.Abs(a - b)).Max();
                output.WriteLine($"lane {lane} epoch {e + 1}: direct vs autograd {difference:G3} of weights up to {scale:G3}, loss {direct[lane][e].TrainLoss:G6} vs {autograd[lane][e].TrainLoss:G6}");
                Assert.True(difference <= 1e-5 * scale, $"lane {lane} epoch {e + 1}: the direct and the autograd step differ by {difference} (weights up to {scale})");
            }
        }
    }

    [Fact]
    public void SoftmaxLanes_OnThreeClasses_EachEqualTheirUnfusedRun_AndDoNotDependOnTheirNeighbours()
    {
        using var data = TinyData.Training(count: 150, size: 8, seed: 3, classes: 3);
        TrainingPlan[] plans =
        [
            new(0.1, 8, 3, 4),
            new(0.01, 8, 2, 4),
            new(0.05, 8, 3, 4) { Momentum = 0.9 },
            new(0.05, 8, 3, 4) { WeightDecay = 0.01, Momentum = 0.5 },
        ];

        var fused = TrainFused(data, plans);

        AssertEachLaneIsItsUnfusedRun(data, plans, fused);
        Assert.All(fused.Values.SelectMany(e => e), e => Assert.Equal(3, e.ValidationClassAccuracy.Length));

        // Lane 2 resumed after epoch 1 beside an empty row and lane 3 from scratch: the uninterrupted group's numbers.
        var mixed = TrainLanes(data, [null, null, new FusedLane(plans[2], After(fused[2][0])), new FusedLane(plans[3])]);
        AssertSameRun(fused[2].Skip(1).ToList(), mixed[2], "lane 2 resumed");
        AssertSameRun(fused[3], mixed[3], "lane 3 from scratch");
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
            Assert.Equal(alone[^1].TrainLoss, fused[cell][^1].TrainLoss, 1e-6);
        }
    }

    [Fact]
    public void FusedGroup_ResumedFromItsLanesCheckpoints_EqualsTheUninterruptedGroupBitForBit()
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

        // Stopped after epoch 1: each lane's checkpoint is its weights and, with momentum, its buffer.
        var first = TrainFused(data, plans.Select(p => p with { Epochs = 1 }).ToArray());
        Assert.NotNull(first[1][0].FusedMomentum);
        Assert.Null(first[0][0].FusedMomentum);
        var resumed = TrainLanes(data, plans.Select((p, lane) => new FusedLane(p, After(first[lane][0]))).ToArray());

        for (int lane = 0; lane < plans.Length; lane++)
        {
            AssertSameRun(whole[lane].Skip(1).ToList(), resumed[lane], $"lane {lane}");
        }
    }

    [Fact]
    public void Lane_GivesTheSameNumbersWhicheverLanesTrainBesideIt_AndFromWhicheverEpochItResumes()
    {
        // A lane's numbers depend on its own start and the group's width only: this is what lets a sweep retry, resume
        // or re-dispatch any subset of a group's lanes and still get the uninterrupted group's numbers.
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans =
        [
            new(0.5, 8, 4, 6),
            new(0.05, 8, 4, 6) { Momentum = 0.9 },
            new(0.2, 8, 3, 6),
            new(0.05, 8, 4, 6) { WeightDecay = 0.01, Momentum = 0.5 },
        ];
        var whole = TrainFused(data, plans);

        // Lane 1 alone in its row (the others empty), resumed after epoch 2; lane 3 beside it from scratch; lane 2 after epoch 1.
        var mixed = TrainLanes(data,
        [
            null,
            new FusedLane(plans[1], After(whole[1][1])),
            new FusedLane(plans[2], After(whole[2][0])),
            new FusedLane(plans[3]),
        ]);

        AssertSameRun(whole[1].Skip(2).ToList(), mixed[1], "lane 1 resumed after epoch 2");
        AssertSameRun(whole[2].Skip(1).ToList(), mixed[2], "lane 2 resumed after epoch 1");
        AssertSameRun(whole[3], mixed[3], "lane 3 from scratch");
        Assert.Empty(mixed[0]);
    }

    [Fact]
    public void LaneNoLongerWanted_StopsAtOnce_AndTheOthersGoOnUnchanged()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        TrainingPlan[] plans = [new(0.1, 8, 3, 6), new(0.05, 8, 3, 6) { Momentum = 0.9 }];
        var whole = TrainFused(data, plans);

        var progress = new StopsLaneZeroAfterEpochOne();
        new FusedTrainer(data, Options).Train(plans.Select(p => new FusedLane(p)).ToArray(), progress, CancellationToken.None);

        Assert.Equal([1], progress.Epochs[0].Select(e => e.Epoch));
        AssertSameRun(whole[1], progress.Epochs[1], "lane 1");
    }

    private sealed class StopsLaneZeroAfterEpochOne : IFusedProgress
    {
        public Dictionary<int, List<EpochResult>> Epochs { get; } = new() { [0] = [], [1] = [] };

        public bool Wanted(int row) => row != 0 || Epochs[0].Count == 0;

        public void Epoch(int row, EpochResult result) => Epochs[row].Add(result);

        public void Failed(int row, TrainingDivergedException error) => throw error;
    }

    [Fact]
    public void WhyNotFusable_NamesWhatTheCellsDoNotShare()
    {
        Assert.Null(FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1), new(0.2, 8, 5, 1) { Momentum = 0.9 }], 2));
        Assert.Contains("batch size", FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1), new(0.1, 16, 3, 1)], 2));
        Assert.Contains("adam", FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1) { Optimizer = "adam" }], 2));
        Assert.Null(FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1)], 3));
        Assert.Contains("two classes", FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1)], 1));
        Assert.Null(FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Mlp) }], 2));
        Assert.Contains("cnn", FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Cnn) }], 2));
        Assert.Contains("model", FusedTrainer.WhyNotFusable([new(0.1, 8, 3, 1), new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Mlp) }], 2));
        Assert.Contains("model", FusedTrainer.WhyNotFusable(
            [new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Mlp, Hidden: 16) }, new(0.1, 8, 3, 1) { Model = new ModelSpec(ModelSpec.Mlp, Hidden: 32) }], 2));
    }

    [Theory]
    [InlineData(2, 1, 0.0)]
    [InlineData(2, 2, 0.25)]
    [InlineData(3, 2, 0.25)]
    public void MlpLanes_EachEqualTheirUnfusedRun_AndResumeBitForBit(int classes, int layers, double dropout)
    {
        // The MLP's first layer is one product over the lanes, its later layers one batched product, and every lane
        // draws the dropout masks its run alone draws: each lane is its unfused run up to float rounding.
        using var data = TinyData.Training(count: 120, size: 8, seed: 3, classes: classes);
        var model = new ModelSpec(ModelSpec.Mlp, Hidden: 12, HiddenLayers: layers, Dropout: dropout);
        TrainingPlan[] plans =
        [
            new(0.1, 8, 3, 4) { Model = model },
            new(0.02, 8, 2, 4) { Model = model },
            new(0.05, 8, 3, 4) { Model = model, Momentum = 0.9 },
            new(0.05, 8, 3, 4) { Model = model, WeightDecay = 0.01, Momentum = 0.5 },
        ];

        var fused = TrainFused(data, plans);

        double largest = AssertEachLaneIsItsUnfusedRun(data, plans, fused);

        output.WriteLine($"mlp {layers}×12, dropout {dropout}, {classes} classes: largest weight difference fused vs unfused {largest:G3}");

        // Lane 2 resumed after epoch 1 (weights and momentum) beside an empty row: the uninterrupted group's numbers.
        var resumed = TrainLanes(data, [null, null, new FusedLane(plans[2], After(fused[2][0])), new FusedLane(plans[3])]);
        AssertSameRun(fused[2].Skip(1).ToList(), resumed[2], "lane 2 resumed");
        AssertSameRun(fused[3], resumed[3], "lane 3 from scratch");
    }
}
