using GridSearch.Training.Trainer;

namespace GridSearch.Training.Tests;

/// <summary>Momentum, weight decay and Adam: they change training, and a resumed run carries their state exactly.</summary>
public sealed class OptimizerTests
{
    private static IReadOnlyList<EpochResult> Train(TrainingData data, TrainingPlan plan, TrainingCheckpoint? from = null) =>
        new ClassifierTrainer(data, new TrainerOptions { Threads = 1 }).Train(plan, null, CancellationToken.None, from);

    public static TheoryData<string, double, double> Optimizers => new()
    {
        { "sgd", 0.9, 0 },
        { "sgd", 0, 0.01 },
        { "adam", 0, 0 },
        { "adam", 0, 0.01 },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Train_ResumedFromCheckpointWithOptimizerState_EqualsUninterruptedRun(string optimizer, double momentum, double weightDecay)
    {
        using var data = TinyData.Training();
        var plan = new TrainingPlan(0.01, 4, 4, 9) { Optimizer = optimizer, Momentum = momentum, WeightDecay = weightDecay };
        var whole = Train(data, plan);
        var resumed = Train(data, plan, new TrainingCheckpoint(2, whole[1].Weights, whole[1].OptimizerState));

        Assert.Equal(whole.Skip(2).Select(e => e.TrainLoss), resumed.Select(e => e.TrainLoss));
        Assert.True(whole[^1].Weights.ContentEquals(resumed[^1].Weights), "weights differ after resuming");
        Assert.Equal(plan.OptimizerHasState, whole[1].OptimizerState is not null);
    }

    [Theory]
    [InlineData("sgd", 0.9)]
    [InlineData("adam", 0)]
    public void Train_ResumedWithOtherRates_TrainsWithThePlansRates_NotTheCheckpoints(string optimizer, double momentum)
    {
        // Population-based training resumes a run from another's checkpoint with explored rates: the optimiser's state
        // comes along, and its saved learning rate must not. Resuming at the plan's rate equals resuming at that rate
        // from a state saved with that rate (the buffers are the same; only the saved rate differs).
        using var data = TinyData.Training();
        var slow = new TrainingPlan(0.01, 4, 4, 9) { Optimizer = optimizer, Momentum = momentum };
        var fast = slow with { LearningRate = 0.05 };
        var first = Train(data, slow);
        var fromSlowState = Train(data, fast, new TrainingCheckpoint(2, first[1].Weights, first[1].OptimizerState));
        var atFastRate = Train(data, fast, new TrainingCheckpoint(2, first[1].Weights, WithRate(first[1].OptimizerState!, fast, data)));

        Assert.True(fromSlowState[^1].Weights.ContentEquals(atFastRate[^1].Weights), "the restored optimiser kept the checkpoint's rate");
        Assert.False(fromSlowState[^1].Weights.ContentEquals(Train(data, slow, new TrainingCheckpoint(2, first[1].Weights, first[1].OptimizerState))[^1].Weights));
    }

    // The same optimiser state, saved by an optimiser made with the plan's rates.
    private static byte[] WithRate(byte[] state, TrainingPlan plan, TrainingData data)
    {
        using var model = GridSearch.Training.Model.Classifiers.Create(data.InputFeatures, data.ClassCount, data.Device, plan.Model);
        using var optimizer = OptimizerFactory.Create(model.parameters(), plan);
        optimizer.Restore(state);
        return optimizer.Save()!;
    }

    [Fact]
    public void Train_MomentumResumedWithoutItsState_WouldDiffer()
    {
        // Why the state travels: dropping the momentum buffer changes the very next step.
        using var data = TinyData.Training();
        var plan = new TrainingPlan(0.01, 4, 4, 9) { Momentum = 0.9 };
        var whole = Train(data, plan);
        var withoutState = Train(data, plan, new TrainingCheckpoint(2, whole[1].Weights));

        Assert.False(whole[^1].Weights.ContentEquals(withoutState[^1].Weights));
    }

    [Fact]
    public void Train_EachOptimizerSetting_ChangesTheWeights()
    {
        using var data = TinyData.Training();
        var plain = Train(data, new TrainingPlan(0.01, 4, 2, 9))[^1].Weights;

        Assert.False(plain.ContentEquals(Train(data, new TrainingPlan(0.01, 4, 2, 9) { Momentum = 0.9 })[^1].Weights));
        Assert.False(plain.ContentEquals(Train(data, new TrainingPlan(0.01, 4, 2, 9) { WeightDecay = 0.1 })[^1].Weights));
        Assert.False(plain.ContentEquals(Train(data, new TrainingPlan(0.01, 4, 2, 9) { Optimizer = "adam" })[^1].Weights));
    }

    [Fact]
    public void Train_MlpWithDropoutResumedFromCheckpoint_EqualsUninterruptedRun()
    {
        // Dropout masks come from a generator seeded per epoch, so a resumed run draws the masks an uninterrupted one did.
        using var data = TinyData.Training();
        var plan = new TrainingPlan(0.05, 4, 4, 9) { Model = new Model.ModelSpec("mlp", Hidden: 8, HiddenLayers: 2, Dropout: 0.5), Momentum = 0.5 };
        var whole = Train(data, plan);
        var again = Train(data, plan);
        var resumed = Train(data, plan, new TrainingCheckpoint(2, whole[1].Weights, whole[1].OptimizerState));

        Assert.True(whole[^1].Weights.ContentEquals(again[^1].Weights), "two runs differ");
        Assert.Equal(whole.Skip(2).Select(e => e.TrainLoss), resumed.Select(e => e.TrainLoss));
        Assert.True(whole[^1].Weights.ContentEquals(resumed[^1].Weights), "weights differ after resuming");
        Assert.Equal((3 * 8 * 8 + 1) * 8 + (8 + 1) * 8 + 8 + 1, whole[^1].Weights.Values.Length);
    }
}
