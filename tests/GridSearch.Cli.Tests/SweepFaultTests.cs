using System.Diagnostics;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// Faults a laptop or a cluster node sees, on real <c>gridsearch</c> processes: a damaged checkpoint, data that
/// changed between a crash and its resume, a sweep id used again, a cancelled sweep resumed. None may hang, and none
/// may give numbers or weights other than an uninterrupted run's (on the shared discriminating data set, where cells
/// differ).
/// </summary>
public sealed class SweepFaultTests(SweepFaultTests.Baseline baseline) : IClassFixture<SweepFaultTests.Baseline>, IDisposable
{
    private readonly TemporaryDirectory _dir = new("faults");

    /// <summary>The data set and the uninterrupted runs (seeds 5 and 7) every fault is compared with.</summary>
    public sealed class Baseline : IAsyncLifetime
    {
        private readonly TemporaryDirectory _dir = new("faults-baseline");

        public string Data { get; private set; } = "";

        public string Cache => _dir.Combine("cache");

        public JsonObject Seed5 { get; private set; } = null!;

        public JsonObject Seed7 { get; private set; } = null!;

        /// <summary>Where the uninterrupted runs wrote their winner's weights.</summary>
        public string Out5 => _dir.Combine("out5");

        public string Out7 => _dir.Combine("out7");

        public async ValueTask InitializeAsync()
        {
            Data = DiscriminatingData.Root;
            var cli = new CliRun(_dir.Combine("state"), Cache);
            Seed5 = await CompletedAsync(cli, Arguments(Data, "baseline-5", Out5, seed: 5));
            Seed7 = await CompletedAsync(cli, Arguments(Data, "baseline-7", Out7, seed: 7));
        }

        public ValueTask DisposeAsync()
        {
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static string[] Arguments(string data, string sweepId, string outDir, int seed = 5) =>
    [
        "run", "--data", data, "--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "2,3", "--seed", $"{seed}",
        "--sweep-id", sweepId, "--out", outDir, "--slots", "1", "--json",
    ];

    private static async Task<JsonObject> CompletedAsync(CliRun cli, params string[] args)
    {
        var run = await cli.RunAsync(args);
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        return result;
    }

    /// <summary>
    /// Starts a run that holds in the third epoch of its first run, and kills it there with SIGKILL. By then the first
    /// epoch's checkpoint is surely written: a run waits for one epoch's reports before it reports the next.
    /// </summary>
    private async Task<CliRun> CrashedRunAsync(string data, string sweepId, int seed = 5)
    {
        var cli = new CliRun(_dir.Combine("state"), baseline.Cache);
        await cli.KillAtAsync("mid-epoch:3:2", _dir.Combine($"held-{sweepId}"), Arguments(data, sweepId, _dir.Combine("crashed-out"), seed));
        return cli;
    }

    private string StateFiles(string kind) => _dir.Combine("state", "grains", kind);

    [Fact]
    public async Task Resume_DamagedCheckpoint_FailsWithinSecondsNamingTheFile_ThenDiscardDamagedFinishesTheSweep()
    {
        var cli = await CrashedRunAsync(baseline.Data, "damaged");
        string checkpoint = Directory.GetFiles(StateFiles("checkpoint"), "*.state", SearchOption.AllDirectories).First();
        byte[] bytes = File.ReadAllBytes(checkpoint);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(checkpoint, bytes);

        var clock = Stopwatch.StartNew();
        var failed = await cli.RunAsync(TimeSpan.FromSeconds(30), "resume", "damaged", "--slots", "1", "--out", _dir.Combine("failed"));

        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"resume took {clock.Elapsed}");
        Assert.Contains(checkpoint, failed.Stdout + failed.Stderr);
        Assert.Contains("--discard-damaged", failed.Stdout + failed.Stderr);

        var resumed = await cli.RunAsync("resume", "damaged", "--discard-damaged", "--slots", "1", "--json", "--out", _dir.Combine("resumed"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        AssertSameResults(baseline.Seed5, JsonNode.Parse(resumed.Stdout)!.AsObject());
        Assert.Null(WinnerFiles.Difference(baseline.Out5, _dir.Combine("resumed")));
    }

    [Theory]
    [InlineData("removed")]
    [InlineData("added")]
    [InlineData("modified")]
    public async Task Resume_DataChangedAfterTheCrash_IsRefusedSayingWhatChanged(string change)
    {
        // A copy of its own: this test changes the data.
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 40);
        var cli = await CrashedRunAsync(data, "changed");
        string[] files = Directory.GetFiles(Path.Combine(data, "a")).Order().Take(3).ToArray();
        foreach (string file in files)
        {
            switch (change)
            {
                case "removed":
                    File.Delete(file);
                    break;
                case "added":
                    File.Copy(file, Path.Combine(data, "b", "new-" + Path.GetFileName(file)));
                    break;
                default:
                    TestImages.NoisyJpeg(file, 30, 30, label: 1, new Random(1)); // same name, other pixels
                    break;
            }
        }

        var refused = await cli.RunAsync(TimeSpan.FromSeconds(60), "resume", "changed", "--slots", "1", "--out", _dir.Combine("changed-out"));

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains($"changed since sweep 'changed' started: 3 file(s) {change}", refused.Stderr);
        Assert.Contains("restore the files it started with", refused.Stderr);
        Assert.False(File.Exists(_dir.Combine("changed-out", "results.json")), "a refused resume wrote results");
    }

    [Fact]
    public async Task Run_SameIdAfterTheSweepsStateWasRemoved_NeverReplaysTheOldCheckpoints()
    {
        var cli = await CrashedRunAsync(baseline.Data, "reused");
        foreach (string file in Directory.GetFiles(StateFiles("sweep"), "*.state", SearchOption.AllDirectories))
        {
            File.Delete(file);
        }

        var again = await CompletedAsync(cli, Arguments(baseline.Data, "reused", _dir.Combine("again"), seed: 7));

        AssertSameResults(baseline.Seed7, again);
        Assert.Equal((int)baseline.Seed7["timings"]!["epochsTrained"]!, (int)again["timings"]!["epochsTrained"]!);
        Assert.Null(WinnerFiles.Difference(baseline.Out7, _dir.Combine("again")));
    }

    [Fact]
    public async Task Delete_CancelledSweep_RemovesItsStateAndTheIdGivesAFreshSweep()
    {
        var cli = await CrashedRunAsync(baseline.Data, "deleted");
        var refused = await cli.RunAsync("delete", "deleted");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("cancel it first", refused.Stderr);

        Assert.Equal(0, (await cli.RunAsync("cancel", "deleted")).ExitCode);
        var listed = JsonNode.Parse((await cli.RunAsync("list", "--json")).Stdout)!.AsArray().Single(s => (string?)s!["sweepId"] == "deleted")!;
        Assert.True((long)listed["stateBytes"]! > 0, "list shows how much state the cancelled sweep keeps");
        var deleted = await cli.RunAsync("delete", "deleted");
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Empty(Directory.GetFiles(_dir.Combine("state", "grains"), "*deleted*", SearchOption.AllDirectories));
        Assert.DoesNotContain("deleted", (await cli.RunAsync("list", "--json")).Stdout);

        var fresh = await CompletedAsync(cli, Arguments(baseline.Data, "deleted", _dir.Combine("fresh"), seed: 7));
        AssertSameResults(baseline.Seed7, fresh);
        Assert.Null(WinnerFiles.Difference(baseline.Out7, _dir.Combine("fresh")));
    }

    [Fact]
    public async Task Resume_CancelledSweep_RunsItsUnfinishedCellsAndEndsLikeAnUninterruptedRun()
    {
        var cli = await CrashedRunAsync(baseline.Data, "cancelled");
        Assert.Equal(0, (await cli.RunAsync("cancel", "cancelled")).ExitCode);

        var resumed = await cli.RunAsync("resume", "cancelled", "--slots", "1", "--json", "--out", _dir.Combine("resumed"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var result = JsonNode.Parse(resumed.Stdout)!.AsObject();
        AssertSameResults(baseline.Seed5, result);
        Assert.Equal((int)baseline.Seed5["timings"]!["epochsTrained"]!, (int)result["timings"]!["epochsTrained"]!);
        Assert.Null(WinnerFiles.Difference(baseline.Out5, _dir.Combine("resumed")));
    }

    private static void AssertSameResults(JsonObject expected, JsonObject actual)
    {
        Assert.Equal("Completed", (string?)actual["status"]);
        Assert.Equal(ResultsJson.Numbers(expected), ResultsJson.Numbers(actual));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)actual["testAccuracy"]!);
    }

    public void Dispose() => _dir.Dispose();
}
