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
    private const int ImageSize = 128;

    // Debian's python3-torch belongs to the system interpreter, whichever python3 comes first on the PATH.
    private static string Python => Environment.GetEnvironmentVariable("GRIDSEARCH_PYTHON") is { Length: > 0 } python ? python : "/usr/bin/python3";

    private readonly TemporaryDirectory _dir = new("parity");

    [Theory]
    [InlineData(2, "logistic")]
    [InlineData(3, "logistic")]
    [InlineData(2, "mlp")]
    [InlineData(3, "mlp")]
    public async Task WinnerWeights_InThePyTorchTwin_GiveTheSameOutputsAsGridSearch(int classes, string modelName)
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 10, classes: classes);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        var spec = modelName == "mlp" ? new ModelSpec("mlp", Hidden: 16, HiddenLayers: 2, Dropout: 0.25) : ModelSpec.Default;
        var sweep = await cli.RunAsync("run", "--data", data, "--lr", "0.01", "--batch-size", "4", "--epochs", "2", "--model", modelName,
            "--hidden", "16", "--layers", "2", "--dropout", "0.25", "--out", _dir.Combine("out"));
        Assert.True(sweep.ExitCode == 0, sweep.ToString());
        string winner = _dir.Combine("out", "winner.pt");

        // A batch of normalised images (values in [-1, 1], as training sees them) and the TorchSharp model's outputs.
        var weights = WeightFiles.LoadPyTorch(winner, 3 * ImageSize * ImageSize, classes, spec);
        using var model = Classifiers.Create(3 * ImageSize * ImageSize, classes, CPU, spec);
        model.SetWeights(weights);
        model.eval();
        using var generator = new Generator(7);
        using var images = rand([Batch, 3, ImageSize, ImageSize], generator: generator).mul_(2).sub_(1);
        using var outputs = model.forward(images);
        File.WriteAllBytes(_dir.Combine("batch.f32"), Bytes(images));
        File.WriteAllBytes(_dir.Combine("outputs.f32"), Bytes(outputs));

        string[] architecture = modelName == "mlp" ? ["--hidden", "16", "--layers", "2"] : [];
        var parity = await ProcessRun.RunAsync(Python, [Path.Combine(RepositoryPaths.Root, "python", "parity.py"), "--model", modelName, .. architecture,
            "--classes", classes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--weights", winner,
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
