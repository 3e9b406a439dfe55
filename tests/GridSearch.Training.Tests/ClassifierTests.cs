using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Training.Tests;

/// <summary>The model chosen for a data set's class count, and its weights moving in and out of files.</summary>
public sealed class ClassifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("classifiers").FullName;

    [Fact]
    public void Create_TwoClassesIsTheSeedsModel_MoreIsSoftmaxRegression()
    {
        using var binary = Classifiers.Create(12, 2, CPU);
        using var three = Classifiers.Create(12, 3, CPU);

        Assert.IsType<LogisticRegressionModel>(binary);
        Assert.Equal(13, binary.ParameterCount);
        Assert.IsType<SoftmaxRegressionModel>(three);
        Assert.Equal(39, three.ParameterCount);
        Assert.Throws<ArgumentException>(() => Classifiers.Create(12, 1, CPU));
    }

    [Fact]
    public void SoftmaxRegression_PredictsTheLargestLogit_AndItsWeightsRoundTripThroughBothFileFormats()
    {
        using var model = (SoftmaxRegressionModel)Classifiers.Create(4, 3, CPU);
        using var generator = new Generator(3);
        model.Initialise(generator);
        var weights = model.GetWeights();

        WeightFiles.SavePyTorch(weights, Path.Combine(_dir, "w.pt"), classes: 3);
        WeightFiles.SaveTorchSharp(weights, Path.Combine(_dir, "w.dat"), classes: 3);

        Assert.True(weights.ContentEquals(WeightFiles.LoadPyTorch(Path.Combine(_dir, "w.pt"), 4, classes: 3)));
        Assert.True(weights.ContentEquals(WeightFiles.LoadTorchSharp(Path.Combine(_dir, "w.dat"), 4, classes: 3)));
        using var logits = tensor(new float[] { 0.1f, 2f, -1f, 3f, 0f, 0f }, [2, 3]);
        Assert.Equal([1L, 0L], model.Predict(logits).data<long>().ToArray());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
