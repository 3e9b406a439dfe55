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

        WeightFiles.SavePyTorch(weights, Path.Combine(_dir, "w.pt"), 4, classes: 3);
        WeightFiles.SaveTorchSharp(weights, Path.Combine(_dir, "w.dat"), 4, classes: 3);

        Assert.True(weights.ContentEquals(WeightFiles.LoadPyTorch(Path.Combine(_dir, "w.pt"), 4, classes: 3)));
        Assert.True(weights.ContentEquals(WeightFiles.LoadTorchSharp(Path.Combine(_dir, "w.dat"), 4, classes: 3)));
        using var logits = tensor(new float[] { 0.1f, 2f, -1f, 3f, 0f, 0f }, [2, 3]);
        Assert.Equal([1L, 0L], model.Predict(logits).data<long>().ToArray());
    }

    [Fact]
    public void Cnn_StateHoldsTheBatchNormStatistics_NamedLikeThePyTorchTwin_AndRoundTripsAfterTraining()
    {
        var spec = new ModelSpec(ModelSpec.Cnn) { Width = 4 };
        using var model = (CnnModel)Classifiers.Create(3 * 16 * 16, 3, CPU, spec);
        using var generator = new Generator(5);
        model.Initialise(generator);

        Assert.Equal(new[]
        {
            "conv.0.weight", "conv.1.weight", "conv.2.weight",
            "norm.0.weight", "norm.0.bias", "norm.0.running_mean", "norm.0.running_var", "norm.0.num_batches_tracked",
            "norm.1.weight", "norm.1.bias", "norm.1.running_mean", "norm.1.running_var", "norm.1.num_batches_tracked",
            "norm.2.weight", "norm.2.bias", "norm.2.running_mean", "norm.2.running_var", "norm.2.num_batches_tracked",
            "output.weight", "output.bias",
        }.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
        // 3·4·9 + 4·8·9 + 8·16·9 conv weights, 4 values per channel of batch norm plus a counter per block, 16·2·2 × 3 head.
        Assert.Equal(108 + 288 + 1152 + (4 + 8 + 16) * 4 + 3 + 64 * 3 + 3, model.ParameterCount);

        // One training-mode forward pass moves the running statistics; the weights must carry them.
        model.train();
        using (var images = rand([6, 3, 16, 16], generator: generator))
        using (model.forward(images))
        {
        }

        var trained = model.GetWeights();
        using var copy = (CnnModel)Classifiers.Create(3 * 16 * 16, 3, CPU, spec);
        copy.SetWeights(trained);
        Assert.True(trained.ContentEquals(copy.GetWeights()));
        Assert.Equal(1L, copy.state_dict()["norm.0.num_batches_tracked"].item<long>());
        Assert.NotEqual(0f, copy.state_dict()["norm.0.running_mean"].abs().sum().item<float>());

        WeightFiles.SavePyTorch(trained, Path.Combine(_dir, "cnn.pt"), 3 * 16 * 16, 3, spec);
        Assert.True(trained.ContentEquals(WeightFiles.LoadPyTorch(Path.Combine(_dir, "cnn.pt"), 3 * 16 * 16, 3, spec)));
    }

    [Fact]
    public void Cnn_ImagesSmallerThanItsPoolingsAllow_AreRefusedWithTheFix()
    {
        var error = Assert.Throws<ArgumentException>(() => Classifiers.Create(3 * 4 * 4, 2, CPU, new ModelSpec(ModelSpec.Cnn)));
        Assert.Contains("--image-size 8", error.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
