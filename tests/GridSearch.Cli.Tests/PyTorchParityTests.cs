using GridSearch.TestSupport;
using GridSearch.Training.Model;
using static TorchSharp.torch;

namespace GridSearch.Cli.Tests;

/// <summary>
/// A sweep's winner.pt is usable outside GridSearch: it loads into the PyTorch twin of its model
/// (python/gridsearch_models.py) with load_state_dict(strict=True), and the twin computes the same outputs as the
/// TorchSharp model for the same batch, within 1e-5. Runs Debian's python3-torch (scripts/test.sh installs it).
/// </summary>
public sealed class PyTorchParityTests : IDisposable
{
    private const int Batch = 4;

    // Debian's python3-torch belongs to the system interpreter, whichever python3 comes first on the PATH.
    private static string Python => Environment.GetEnvironmentVariable("GRIDSEARCH_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private readonly TemporaryDirectory _dir = new("parity");

    [Theory]
    [InlineData(2, "logistic", 128)]
    [InlineData(3, "logistic", 128)]
    [InlineData(2, "mlp", 128)]
    [InlineData(3, "mlp", 128)]
    [InlineData(2, "cnn", 32)]
    [InlineData(3, "cnn", 32)]
    public async Task WinnerWeights_InThePyTorchTwin_GiveTheSameOutputsAsGridSearch(int classes, string modelName, int imageSize)
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10, classes: classes);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        var spec = modelName switch
        {
            "mlp" => new ModelSpec("mlp", Hidden: 16, HiddenLayers: 2, Dropout: 0.25),
            "cnn" => new ModelSpec("cnn") { Width = 4 },
            _ => ModelSpec.Default,
        };
        string size = imageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var sweep = await cli.RunAsync("run", "--data", data, "--lr", "0.01", "--batch-size", "4", "--epochs", "2", "--model", modelName,
            "--hidden", "16", "--layers", "2", "--dropout", "0.25", "--width", "4", "--image-size", size, "--out", _dir.Combine("out"));
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        string winner = _dir.Combine("out", "winner.pt");

        // A batch of normalised images (values in [-1, 1], as training sees them) and the TorchSharp model's outputs;
        // cnn weights hold batch norm's running statistics, which eval mode uses.
        int features = 3 * imageSize * imageSize;
        var weights = WeightFiles.LoadPyTorch(winner, features, classes, spec);
        using var model = Classifiers.Create(features, classes, CPU, spec);
        model.SetWeights(weights);
        model.eval();
        using var generator = new Generator(7);
        using var images = rand([Batch, 3, imageSize, imageSize], generator: generator).mul_(2).sub_(1);
        using var outputs = model.forward(images);
        File.WriteAllBytes(_dir.Combine("batch.f32"), Bytes(images));
        File.WriteAllBytes(_dir.Combine("outputs.f32"), Bytes(outputs));

        string[] architecture = modelName switch
        {
            "mlp" => ["--hidden", "16", "--layers", "2"],
            "cnn" => ["--width", "4"],
            _ => [],
        };
        var parity = await ProcessRun.RunAsync(Python, [Path.Combine(RepositoryPaths.Root, "python", "parity.py"), "--model", modelName, .. architecture,
            "--classes", classes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--image-size", size, "--weights", winner,
            "--input", _dir.Combine("batch.f32"), "--expected", _dir.Combine("outputs.f32"),
            "--batch", Batch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tolerance", "1e-5"],
            TestContext.Current.CancellationToken);

        Assert.True(parity.ExitCode == 0, parity.Output);
        Assert.Contains($"{Batch * (classes == 2 ? 1 : classes)} outputs, max |PyTorch - GridSearch|", parity.Output);
    }

    private static byte[] Bytes(Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan()).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
