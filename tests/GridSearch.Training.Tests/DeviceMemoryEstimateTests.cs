using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Tests;

/// <summary>The device-memory estimate that packs GPUs counts each model's real state and grows with the group.</summary>
public sealed class DeviceMemoryEstimateTests
{
    public static TheoryData<string, int, int, int> Models => new()
    {
        { ModelSpec.Logistic, 2, 0, 0 },
        { ModelSpec.Logistic, 5, 0, 0 },
        { ModelSpec.Mlp, 2, 24, 1 },
        { ModelSpec.Mlp, 3, 24, 3 },
        { ModelSpec.Cnn, 2, 0, 0 },
        { ModelSpec.Cnn, 4, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ParametersPerLane_IsWhatTheModelHolds(string name, int classes, int hidden, int layers)
    {
        var spec = hidden > 0 ? new ModelSpec(name, hidden, layers) : new ModelSpec(name) { Width = 4 };
        int features = 3 * 16 * 16;
        using var model = Classifiers.Create(features, classes, CPU, spec);

        Assert.Equal(model.GetWeights().Values.Length, DeviceMemoryEstimate.ParametersPerLane(spec, features, classes));
    }

    [Fact]
    public void TrainingBytes_GrowWithTheGroup_TheBatch_AndAdamsState_AndTheWidestGroupFitsItsBudget()
    {
        var mlp = new ModelSpec(ModelSpec.Mlp, Hidden: 128);
        int features = 3 * 128 * 128;
        long one = DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 32);
        long sixteen = DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 32, width: 16);
        // 16 lanes of 6.3M parameters, four copies each (weights, gradient, momentum, step): well over 1.6 GB.
        Assert.True(sixteen > 16L * 6_291_585 * 4 * 4, $"{sixteen} bytes for 16 MLP lanes");
        Assert.True(sixteen < 16 * one, "lanes share the batch and the workspace");
        Assert.True(DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 2048, 16) > sixteen); // beyond the evaluation batch of 512
        Assert.True(DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 32, 1, "adam") > one);

        long budget = 8L << 30;
        int widest = DeviceMemoryEstimate.WidestGroup(budget, 256, mlp, features, 2, 32);
        Assert.InRange(widest, 2, 255);
        Assert.True(DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 32, widest) <= budget);
        Assert.True(DeviceMemoryEstimate.TrainingBytes(mlp, features, 2, 32, widest + 1) > budget);
        Assert.Equal(256, DeviceMemoryEstimate.WidestGroup(budget, 256, ModelSpec.Default, features, 2, 16)); // the baseline's model: all fit
        Assert.Equal(1, DeviceMemoryEstimate.WidestGroup(1, 256, mlp, features, 2, 32)); // nothing fits: a run trains alone
    }
}
