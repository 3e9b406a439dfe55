using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Search;

/// <summary>
/// A real <c>gridsearch run --search tpe</c> on one slot: the same cells and numbers on every run, and after SIGKILL
/// just after a proposed cell was stored (before any trainer saw it) <c>gridsearch resume</c> ends with exactly the
/// uninterrupted result.
/// </summary>
public sealed class TpeSweepTests(TpeSweepTests.Baseline baseline) : IClassFixture<TpeSweepTests.Baseline>, IDisposable
{
    private readonly TemporaryDirectory _dir = new("tpe-sweep");

    // Ten random cells, then four proposed from the results: enough for the estimators to take part.
    private const string SweepFile = """
        search: tpe
        samples: 14
        seed: 5
        parameters:
          lr: {min: 1.0e-4, max: 0.2, scale: log}
          momentum: {min: 0.0, max: 0.9}
          batch_size: [8, 16]
          epochs: [2]
        """;

    /// <summary>The data set and one uninterrupted sweep.</summary>
    public sealed class Baseline : IAsyncLifetime
    {
        private readonly TemporaryDirectory _dir = new("tpe-baseline");

        public string Cache => _dir.Combine("cache");

        public string Out => _dir.Combine("out");

        public JsonObject Result { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var run = await new CliRun(_dir.Combine("state"), Cache).RunAsync([.. Arguments(_dir.Path, "baseline", Out), "--json"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Result = JsonNode.Parse(run.Stdout)!.AsObject();
        }

        public ValueTask DisposeAsync()
        {
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static string[] Arguments(string dir, string sweepId, string outDir)
    {
        string config = Path.Combine(dir, "tpe.yaml");
        File.WriteAllText(config, SweepFile);
        return ["run", "--config", config, "--data", DiscriminatingData.Root, "--sweep-id", sweepId, "--out", outDir, "--slots", "1"];
    }

    private void AssertSameResult(JsonObject result, string outDir)
    {
        var expected = baseline.Result;
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(result["trials"]!, "silo"));
        Assert.Equal(expected["best"]!.ToJsonString(), result["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)result["testAccuracy"]!);
        Assert.Equal((int)expected["timings"]!["epochsTrained"]!, (int)result["timings"]!["epochsTrained"]!);
        Assert.Null(WinnerFiles.Difference(baseline.Out, outDir));
    }

    [Fact]
    public async Task AnotherRunOfTheSameSweep_TriesTheSameCellsAndGetsTheSameNumbers()
    {
        var run = await new CliRun(_dir.Combine("state"), baseline.Cache).RunAsync([.. Arguments(_dir.Path, "again", _dir.Combine("out")), "--json"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();

        Assert.Equal(14, result["trials"]!.AsArray().Count);
        AssertSameResult(result, _dir.Combine("out"));
    }

    [Theory]
    [InlineData("cells-asked:12")] // a proposed cell stored, not yet dispatched
    [InlineData("cells-asked:14")] // the last cell stored
    public async Task KilledAfterStoringASuggestion_ResumesToTheUninterruptedResult(string point)
    {
        var cli = new CliRun(_dir.Combine("state"), baseline.Cache);
        await cli.KillAtAsync(point, _dir.Combine("held"), Arguments(_dir.Path, "crashed", _dir.Combine("out")));

        var resumed = await cli.RunAsync("resume", "crashed", "--json", "--out", _dir.Combine("out"), "--slots", "1");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        AssertSameResult(JsonNode.Parse(resumed.Stdout)!.AsObject(), _dir.Combine("out"));
    }

    [Fact]
    public async Task OnTwoSlots_AResumeKeepsTheCellsProposedBeforeTheCrash_AndFinishesTheBudget()
    {
        var cli = new CliRun(_dir.Combine("state"), baseline.Cache);
        string[] twoSlots = [.. Arguments(_dir.Path, "two-slots", _dir.Combine("out"))[..^1], "2"];
        await cli.KillAtAsync("cells-asked:12", _dir.Combine("held"), twoSlots);
        var before = await cli.RunAsync("status", "two-slots", "--json");
        Assert.True(before.ExitCode == 0, before.ToString());
        var stored = JsonNode.Parse(before.Stdout)!["trials"]!.AsArray().Select(t => (string)t!["id"]!).ToList();

        var resumed = await cli.RunAsync("resume", "two-slots", "--json", "--out", _dir.Combine("out"), "--slots", "2");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var cells = JsonNode.Parse(resumed.Stdout)!["trials"]!.AsArray();
        Assert.Equal(12, stored.Count);
        Assert.Equal(stored, cells.Take(12).Select(t => (string)t!["id"]!));
        Assert.Equal(14, cells.Count);
        Assert.All(cells, t => Assert.Equal("Completed", (string?)t!["status"]));
    }

    public void Dispose() => _dir.Dispose();
}
