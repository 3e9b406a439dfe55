using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("cli-train");
    private readonly CliRun _cli;
    private readonly string _data;

    public TrainCommandTests()
    {
        _cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        _data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 30);
    }

    [Fact]
    public async Task Train_Json_PrintsOneDocumentWithEveryEpoch()
    {
        var result = await _cli.RunAsync("train", "--data", _data, "--lr", "0.01", "--batch-size", "8", "--epochs", "3", "--seed", "4", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal(0.01, root.GetProperty("lr").GetDouble());
        Assert.Equal(8, root.GetProperty("batchSize").GetInt32());
        Assert.Equal(4, root.GetProperty("seed").GetInt64());
        Assert.Equal(3, root.GetProperty("trainLoss").GetArrayLength());
        var accuracies = root.GetProperty("valAccuracy").EnumerateArray().Select(a => a.GetDouble()).ToArray();
        Assert.Equal(3, accuracies.Length);
        int best = root.GetProperty("bestEpoch").GetInt32();
        Assert.Equal(accuracies.Max(), root.GetProperty("bestValAccuracy").GetDouble());
        Assert.Equal(Array.IndexOf(accuracies, accuracies.Max()) + 1, best);
        Assert.InRange(root.GetProperty("testAccuracy").GetDouble(), 0, 1);
        var timings = root.GetProperty("timings");
        Assert.True(timings.GetProperty("totalSeconds").GetDouble() >= timings.GetProperty("trainSeconds").GetDouble());
        Assert.Contains("epoch 3/3", result.Stderr);
    }

    [Fact]
    public async Task Train_Twice_GivesIdenticalNumbers()
    {
        string[] args = ["train", "--data", _data, "--lr", "0.01", "--batch-size", "4", "--epochs", "2", "--json"];
        var first = await _cli.RunAsync(args);
        var second = await _cli.RunAsync(args);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        string Numbers(string stdout)
        {
            using var json = JsonDocument.Parse(stdout);
            var root = json.RootElement;
            return string.Join(",", root.GetProperty("trainLoss").EnumerateArray().Concat(root.GetProperty("valAccuracy").EnumerateArray())
                .Select(v => v.GetDouble().ToString("R"))) + ";" + root.GetProperty("testAccuracy").GetDouble().ToString("R");
        }

        Assert.Equal(Numbers(first.Stdout), Numbers(second.Stdout));
        Assert.Contains("from the decode cache", second.Stderr);
    }

    [Fact]
    public async Task Train_WithoutData_UsesTheGeneratedDemoSet()
    {
        var result = await _cli.RunAsync("train", "--epochs", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("demo data set", result.Stdout);
        Assert.True(File.Exists(_dir.Combine("state", "demo-data", ".complete")));
        Assert.Contains("Best epoch 1", result.Stdout);
    }

    [Theory]
    [InlineData("--lr", "0", "learning rate 0 must be")]
    [InlineData("--lr", "nan", "learning rate NaN must be")]
    [InlineData("--lr", "fast", "--lr 'fast' is not a number")]
    [InlineData("--batch-size", "0", "batch size 0 must be at least 1")]
    [InlineData("--batch-size", "100000", "larger than the training split (48 images)")]
    [InlineData("--epochs", "0", "epochs 0 must be at least 1")]
    [InlineData("--momentum", "1", "momentum 1 must be at least 0 and below 1, for example 0.9")]
    [InlineData("--weight-decay", "-1", "weight decay -1 must be 0 or a positive 32-bit float, for example 0.0001")]
    [InlineData("--optimizer", "rmsprop", "optimizer 'rmsprop' is not one of sgd, adam")]
    public async Task Train_InvalidValue_ExitsOneNamingTheProblem(string option, string value, string expected)
    {
        var result = await _cli.RunAsync("train", "--data", _data, option, value);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(expected, result.Stderr);
    }

    [Fact]
    public async Task Train_MissingRoot_ExitsOneNamingThePath()
    {
        string missing = _dir.Combine("no-such-folder");
        var result = await _cli.RunAsync("train", "--data", missing, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing, result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Train_CorruptImage_FailsUnlessSkipped()
    {
        File.WriteAllText(Path.Combine(_data, "b", "broken.jpg"), "not a jpeg");

        var failed = await _cli.RunAsync("train", "--data", _data, "--epochs", "1");
        var skipped = await _cli.RunAsync("train", "--data", _data, "--epochs", "1", "--skip-bad-images");

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("broken.jpg", failed.Stderr);
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Contains("skipped 'b/broken.jpg'", skipped.Stdout);
    }

    [Fact]
    public async Task Train_UnknownOption_IsAUsageError()
    {
        var result = await _cli.RunAsync("train", "--learning-rate", "0.1");

        Assert.Equal(2, result.ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}
