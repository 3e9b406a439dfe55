using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Programs;

/// <summary>
/// examples/pytorch, the baseline's model as a user's PyTorch program (Debian's python3-torch and python3-torchvision,
/// which scripts/test.sh installs), tuned through its own sweep file over a small generated image folder: a grid, and
/// asha stopping runs by ending their programs.
/// </summary>
public sealed class PyTorchExampleTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("pytorch-example");
    private readonly string _data;

    public PyTorchExampleTests() => _data = TestImages.WriteImageFolder(Path.Combine(_dir.Path, "data"), perClass: 15);

    public void Dispose() => _dir.Dispose();

    private static string SweepFile => Path.Combine(RepositoryPaths.Root, "examples", "pytorch", "sweep.yaml");

    private async Task<JsonObject> RunAsync(string sweepId, params string[] options)
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        // Small images keep each epoch short; everything else comes from the example's sweep file.
        var run = await cli.RunAsync(TimeSpan.FromMinutes(5),
        [
            "run", "--config", SweepFile, "--data", _data, "--command", "/usr/bin/python3 train.py --image-size 16",
            "--sweep-id", sweepId, "--json", "--out", _dir.Combine(sweepId), .. options,
        ]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Stdout)!.AsObject();
    }

    [Fact]
    public async Task Grid_TrainsEveryCellAndReportsItsMetrics()
    {
        var result = await RunAsync("grid", "--scheduler", "fifo", "--param", "lr=0.01,0.1", "--param", "batch_size=4", "--epochs", "2,3");

        Assert.Equal("Completed", (string?)result["status"]);
        var cells = result["trials"]!.AsArray();
        Assert.Equal(4, cells.Count);
        Assert.All(cells, c => Assert.Equal("Completed", (string?)c!["status"]));
        // Cells that differ only in epochs share one run: two runs of three epochs.
        Assert.Equal(6, (int)result["timings"]!["epochsTrained"]!);
        var longest = cells.Single(c => (string?)c!["id"] == "lr0.1-batch_size4-ep3")!;
        Assert.Equal(["train_loss", "val_accuracy", "val_loss"], longest["metrics"]!.AsObject().Select(m => m.Key));
        Assert.All(longest["valAccuracy"]!.AsArray(), a => Assert.InRange((double)a!, 0, 1));
        // The shorter cell of a run is the longer one's first epochs, to the bit.
        var shorter = cells.Single(c => (string?)c!["id"] == "lr0.1-batch_size4-ep2")!;
        Assert.Equal(longest["metrics"]!["val_loss"]!.AsArray().Take(2).Select(v => (double)v!), shorter["metrics"]!["val_loss"]!.AsArray().Select(v => (double)v!));
        Assert.Equal("val_accuracy", (string?)result["best"]!["metric"]);
    }

    [Fact]
    public async Task Asha_StopsTheWorseRunsEarly()
    {
        var result = await RunAsync("asha", "--param", "lr=0.0001,0.001,0.01,0.1,1", "--param", "batch_size=8", "--epochs", "3",
            "--metric", "val_loss", "--mode", "min", "--max-concurrent", "1");

        Assert.Equal("Completed", (string?)result["status"]);
        var cells = result["trials"]!.AsArray();
        Assert.Equal(5, cells.Count);
        Assert.Contains(cells, c => (string?)c!["status"] == "Stopped");
        Assert.Contains(cells, c => (string?)c!["status"] == "Completed");
        Assert.True((int)result["timings"]!["epochsTrained"]! < 15);
        var best = result["best"]!;
        Assert.Equal("val_loss", (string?)best["metric"]);
        double lowest = cells.SelectMany(c => c!["metrics"]!["val_loss"]!.AsArray()).Min(v => (double)v!);
        Assert.Equal(lowest, (double)best["value"]!);
    }
}
