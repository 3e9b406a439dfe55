using GridSearch.Training.Trainer;

namespace GridSearch.Training.Tests;

public sealed class TrainerDeterminismTests
{
    private static IReadOnlyList<EpochResult> Train(TrainingData data, double lr, int batch, int epochs, long seed,
        TrainingCheckpoint? from = null) =>
        new ClassifierTrainer(data, new TrainerOptions { Threads = 1 })
            .Train(new TrainingPlan(lr, batch, epochs, seed), null, CancellationToken.None, from);

    [Fact]
    public void Train_SameInputsTwice_GivesBitIdenticalResults()
    {
        using var data = TinyData.Training();
        var first = Train(data, 0.05, 4, 3, seed: 11);
        var second = Train(data, 0.05, 4, 3, seed: 11);

        Assert.Equal(first.Select(e => e.TrainLoss), second.Select(e => e.TrainLoss));
        Assert.Equal(first.Select(e => e.ValidationAccuracy), second.Select(e => e.ValidationAccuracy));
        Assert.True(first[^1].Weights.ContentEquals(second[^1].Weights));
    }

    [Fact]
    public void Train_FewerEpochs_EqualsPrefixOfLongerRun()
    {
        using var data = TinyData.Training();
        var shorter = Train(data, 0.05, 4, 2, seed: 5);
        var longer = Train(data, 0.05, 4, 5, seed: 5);

        for (int e = 0; e < shorter.Count; e++)
        {
            Assert.Equal(shorter[e].TrainLoss, longer[e].TrainLoss);
            Assert.Equal(shorter[e].ValidationAccuracy, longer[e].ValidationAccuracy);
            Assert.True(shorter[e].Weights.ContentEquals(longer[e].Weights), $"weights differ after epoch {e + 1}");
        }
    }

    [Fact]
    public void Train_ResumedFromCheckpoint_EqualsUninterruptedRun()
    {
        using var data = TinyData.Training();
        var whole = Train(data, 0.05, 4, 4, seed: 9);
        var resumed = Train(data, 0.05, 4, 4, seed: 9, new TrainingCheckpoint(2, whole[1].Weights));

        Assert.Equal([3, 4], resumed.Select(e => e.Epoch));
        Assert.Equal(whole.Skip(2).Select(e => e.TrainLoss), resumed.Select(e => e.TrainLoss));
        Assert.True(whole[^1].Weights.ContentEquals(resumed[^1].Weights));
    }

    [Fact]
    public void Train_DifferentSeeds_GiveDifferentWeights()
    {
        using var data = TinyData.Training();
        var a = Train(data, 0.05, 4, 1, seed: 1);
        var b = Train(data, 0.05, 4, 1, seed: 2);

        Assert.False(a[0].Weights.ContentEquals(b[0].Weights));
    }

    [Fact]
    public void Train_LearnableData_ImprovesLossAndReportsEveryEpoch()
    {
        using var data = TinyData.Training(count: 200);
        var reported = new List<int>();
        var epochs = new ClassifierTrainer(data, new TrainerOptions())
            .Train(new TrainingPlan(0.01, 8, 4, 0), e => reported.Add(e.Epoch), CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], reported);
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, "loss should fall on learnable data");
        Assert.All(epochs, e => Assert.InRange(e.ValidationAccuracy, 0, 1));
        Assert.All(epochs, e => Assert.True(e.SamplesPerSecond > 0));
    }

    [Fact]
    public void Train_CancelledFromCallback_StopsBeforeNextEpoch()
    {
        using var data = TinyData.Training();
        using var cancellation = new CancellationTokenSource();
        var seen = new List<int>();
        var trainer = new ClassifierTrainer(data, new TrainerOptions());

        Assert.Throws<OperationCanceledException>(() => trainer.Train(new TrainingPlan(0.01, 4, 10, 0), e =>
        {
            seen.Add(e.Epoch);
            cancellation.Cancel();
        }, cancellation.Token));
        Assert.Equal([1], seen);
    }

    [Fact]
    public void Evaluate_FinalWeights_MatchesReportedValidationAccuracy()
    {
        using var data = TinyData.Training();
        var trainer = new ClassifierTrainer(data, new TrainerOptions());
        var epochs = trainer.Train(new TrainingPlan(0.05, 4, 2, 0), null, CancellationToken.None);

        Assert.Equal(epochs[^1].ValidationAccuracy, trainer.Evaluate(epochs[^1].Weights, SplitPart.Validation));
        Assert.InRange(trainer.Evaluate(epochs[^1].Weights, SplitPart.Test), 0, 1);
    }

    [Theory]
    [InlineData(0.0, 4, 1, "learning rate")]
    [InlineData(double.NaN, 4, 1, "learning rate")]
    [InlineData(double.PositiveInfinity, 4, 1, "learning rate")]
    [InlineData(-1.0, 4, 1, "learning rate")]
    [InlineData(1e308, 4, 1, "fits a 32-bit float")]
    [InlineData(1e-50, 4, 1, "fits a 32-bit float")]
    [InlineData(0.1, 0, 1, "batch size 0")]
    [InlineData(0.1, 49, 1, "larger than the training split (48 images)")]
    [InlineData(0.1, 4, 0, "epochs 0")]
    public void Problems_InvalidPlan_NamesTheValue(double lr, int batch, int epochs, string expected)
    {
        var problems = new TrainingPlan(lr, batch, epochs, 0).Problems(trainCount: 48);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_SeveralInvalidValues_ReportsAllAtOnce()
    {
        Assert.Equal(3, new TrainingPlan(-1, 0, 0, 0).Problems(10).Count);
    }

    [Fact]
    public void Train_WeightsOverflowWhileLossStaysFinite_FailsAsDiverged()
    {
        using var data = TinyData.Training();
        var start = Train(data, 0.05, 4, 1, seed: 3)[0].Weights;
        // One weight already overflowed: the logit is ±infinity, the sigmoid saturates and the clamped BCE loss stays
        // finite, so only a check of the weights notices that the run has diverged.
        var overflowed = start.Values.ToArray();
        overflowed[0] = float.PositiveInfinity;

        var error = Assert.Throws<TrainingDivergedException>(() =>
            Train(data, 0.05, 4, 2, seed: 3, new TrainingCheckpoint(1, new Model.ModelWeights(overflowed))));

        Assert.Contains("The weights became", error.Message);
        Assert.Contains("after epoch 2", error.Message);
    }

    [Fact]
    public void Train_WeightsBecomeNaNWithinAnEpoch_FailsAsDivergedWithTheFix()
    {
        using var data = TinyData.Training(count: 120, size: 8, seed: 3);
        // Weight decay 10 at rate 100 multiplies the weights by about −999 a step: within two epochs they overflow,
        // the outputs become NaN, and the loss refuses them; the user must learn that the run diverged, not see
        // PyTorch's "all elements of input should be between 0 and 1".
        var error = Assert.Throws<TrainingDivergedException>(() => new ClassifierTrainer(data, new TrainerOptions { Threads = 1 })
            .Train(new TrainingPlan(100, 8, 3, 2) { WeightDecay = 10 }, null, CancellationToken.None));

        Assert.Contains("outputs became NaN in epoch 2", error.Message);
        Assert.Contains("try a smaller learning rate", error.Message);
    }
}
