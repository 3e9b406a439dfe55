using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Early stopping survives a crash: a real <c>gridsearch run</c> with a scheduler is stopped with SIGKILL, then
/// <c>gridsearch resume</c> finishes it. Under halving the resumed sweep makes the same stops and picks the same
/// winner as an uninterrupted one, and so does hyperband in each of its brackets; under ASHA (whose stops depend on timing) no cell is lost and every recorded epoch
/// is the one deterministic training gives, none trained twice.
/// </summary>
public sealed class SchedulerCrashResumeTests(SchedulerCrashResumeTests.Baselines baselines)
    : IClassFixture<SchedulerCrashResumeTests.Baselines>, IDisposable
{
    private readonly TemporaryDirectory _dir = new("scheduler-crash");

    /// <summary>The data set, an uninterrupted halving sweep and the same space trained to the end (fifo).</summary>
    public sealed class Baselines : IAsyncLifetime
    {
        private readonly TemporaryDirectory _dir = new("scheduler-baseline");

        public string Data { get; private set; } = "";

        public string Cache => _dir.Combine("cache");

        public JsonObject Halving { get; private set; } = null!;

        public JsonObject Fifo { get; private set; } = null!;

        public JsonObject Hyperband { get; private set; } = null!;

        public JsonObject Bohb { get; private set; } = null!;

        /// <summary>Where the uninterrupted halving sweep wrote its winner's weights.</summary>
        public string HalvingOut => _dir.Combine("halving");

        public async ValueTask InitializeAsync()
        {
            // The shared discriminating data set: a scheduler needs cells whose accuracies differ.
            var cli = new CliRun(_dir.Combine("state"), Cache);
            Data = DiscriminatingData.Root;
            Halving = await RunAsync(cli, "halving", "halving");
            Fifo = await RunAsync(cli, "fifo", "fifo");
            Hyperband = await RunAsync(cli, "hyperband", "hyperband");
            Bohb = await RunAsync(cli, "bohb", "bohb");
        }

        private async Task<JsonObject> RunAsync(CliRun cli, string scheduler, string sweepId)
        {
            var run = await cli.RunAsync([.. Arguments(Data, scheduler, sweepId, _dir.Combine(sweepId)), "--json"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            return JsonNode.Parse(run.Stdout)!.AsObject();
        }

        public ValueTask DisposeAsync()
        {
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // Six cells of one epoch count, one run each, one slot: rungs at 1 and 2 (eta 2) below the 4th epoch. The smaller
    // learning rates do better on this data and train first, so ASHA has cells to stop (four of six, uninterrupted).
    // Hyperband with 4 epochs and eta 2 has brackets of 4, 3 and 3 cells: ten learning rates, drawn in a seeded order.
    // BOHB with 9 epochs and eta 3 has brackets of 9, 5 and 3 cells: 17 of 18 combinations. The last bracket's cells are
    // proposed by TPE from the cells the first two stopped.
    private static string[] Arguments(string data, string scheduler, string sweepId, string outDir) => scheduler switch
    {
        "bohb" =>
        [
            "run", "--data", data, "--lr", "0.001,0.003,0.01,0.02,0.05,0.1", "--momentum", "0,0.5,0.9", "--batch-size", "8",
            "--epochs", "9", "--seed", "3", "--search", "bohb", "--samples", "17", "--scheduler", "hyperband", "--eta", "3",
            "--sweep-id", sweepId, "--out", outDir, "--slots", "1",
        ],
        "hyperband" =>
        [
            "run", "--data", data, "--lr", "0.001,0.002,0.003,0.005,0.007,0.01,0.02,0.03,0.05,0.1", "--batch-size", "8",
            "--epochs", "4", "--momentum", "0.5", "--seed", "3", "--search", "random", "--samples", "10", "--scheduler", scheduler,
            "--eta", "2", "--sweep-id", sweepId, "--out", outDir, "--slots", "1",
        ],
        _ =>
        [
            "run", "--data", data, "--lr", "0.001,0.005,0.01,0.02,0.05,0.1", "--batch-size", "8", "--epochs", "4",
            "--momentum", "0.5", "--seed", "3", "--scheduler", scheduler, "--eta", "2", "--sweep-id", sweepId, "--out", outDir,
            "--slots", "1",
        ],
    };

    private async Task<JsonObject> CrashAndResumeAsync(string scheduler, string point)
    {
        var cli = new CliRun(_dir.Combine("state"), baselines.Cache);
        await cli.KillAtAsync(point, _dir.Combine("held"), Arguments(baselines.Data, scheduler, "crashed", _dir.Combine("out")));
        var resumed = await cli.RunAsync("resume", "crashed", "--json", "--out", _dir.Combine("out"), "--slots", "1");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var result = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        return result;
    }

    [Theory]
    [InlineData("after-checkpoint:1")]
    [InlineData("run-finished")]
    [InlineData("after-checkpoint:3")]
    public async Task Halving_ResumedAfterSigkill_MakesTheSameStopsAndPicksTheSameWinner(string point)
    {
        var result = await CrashAndResumeAsync("halving", point);

        var expected = baselines.Halving;
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(result["trials"]!, "silo"));
        Assert.Contains("\"Stopped\"", ResultTrials.Comparable(result["trials"]!, "silo"));
        Assert.Equal(expected["best"]!.ToJsonString(), result["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)result["testAccuracy"]!);
        Assert.Equal((int)expected["timings"]!["epochsTrained"]!, (int)result["timings"]!["epochsTrained"]!);
        Assert.Null(WinnerFiles.Difference(baselines.HalvingOut, _dir.Combine("out")));
    }

    [Theory]
    [InlineData("after-checkpoint:1")]
    [InlineData("run-finished")]
    [InlineData("after-checkpoint:3")]
    public async Task Hyperband_ResumedAfterSigkill_MakesTheSameStopsInEachBracketAndPicksTheSameWinner(string point)
    {
        var result = await CrashAndResumeAsync("hyperband", point);

        var expected = baselines.Hyperband;
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(result["trials"]!, "silo"));
        Assert.Equal([2, 2, 2, 2, 1, 1, 1, 0, 0, 0], result["trials"]!.AsArray().Select(t => (int)t!["bracket"]!));
        Assert.Equal(2 + 1 + 2, result["trials"]!.AsArray().Count(t => (string?)t!["status"] == "Stopped"));
        Assert.Equal(expected["best"]!.ToJsonString(), result["best"]!.ToJsonString());
        Assert.Equal(8 + 8 + 12, (int)result["timings"]!["epochsTrained"]!);
        Assert.Equal(expected["search"]!["brackets"]!.ToJsonString(), result["search"]!["brackets"]!.ToJsonString());
    }

    [Theory]
    [InlineData("cells-asked:15")] // a cell TPE proposed, stored and not yet dispatched
    [InlineData("cells-asked:17")]
    public async Task Bohb_ResumedAfterSigkill_ProposesTheSameCellsAndEndsWithTheUninterruptedResult(string point)
    {
        var result = await CrashAndResumeAsync("bohb", point);

        var expected = baselines.Bohb;
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(result["trials"]!, "silo"));
        Assert.Equal(17, result["trials"]!.AsArray().Count);
        Assert.Equal(Enumerable.Repeat(2, 9).Concat(Enumerable.Repeat(1, 5)).Concat(Enumerable.Repeat(0, 3)),
            result["trials"]!.AsArray().Select(t => (int)t!["bracket"]!));
        Assert.Equal(expected["best"]!.ToJsonString(), result["best"]!.ToJsonString());
        Assert.Equal(21 + 21 + 27, (int)result["timings"]!["epochsTrained"]!);
    }

    [Theory]
    [InlineData("after-checkpoint:1")]
    [InlineData("after-checkpoint:2")]
    public async Task Asha_ResumedAfterSigkill_LosesNoCellAndTrainsNoEpochTwice(string point)
    {
        var result = await CrashAndResumeAsync("asha", point);

        var trained = baselines.Fifo["trials"]!.AsArray().ToDictionary(t => (string)t!["id"]!, t => t!["valAccuracy"]!.AsArray());
        var cells = result["trials"]!.AsArray();
        Assert.Equal(6, cells.Count);
        int recorded = 0, stopped = 0;
        foreach (var cell in cells)
        {
            string status = (string)cell!["status"]!;
            Assert.True(status is "Completed" or "Stopped", $"{cell["id"]} ended {status}");
            var accuracies = cell["valAccuracy"]!.AsArray();
            Assert.Equal(status == "Completed" ? 4 : (int)cell["stoppedAtEpoch"]!, accuracies.Count);
            // Every recorded epoch is the one deterministic training gives (the same cell trained to its end).
            Assert.Equal(trained[(string)cell["id"]!].Take(accuracies.Count).Select(a => (double)a!), accuracies.Select(a => (double)a!));
            recorded += accuracies.Count;
            stopped += status == "Stopped" ? 1 : 0;
        }

        Assert.True(stopped > 0, $"ASHA stopped no cell: {result["trials"]!.ToJsonString()}");
        // Each epoch is trained once; a stopped run may finish the epoch it was in before its trainer hears of the stop.
        int epochsTrained = (int)result["timings"]!["epochsTrained"]!;
        Assert.InRange(epochsTrained, recorded, recorded + stopped);
    }

    public void Dispose() => _dir.Dispose();
}
