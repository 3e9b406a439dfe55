using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// A real <c>gridsearch run</c> of a fused sweep is stopped with SIGKILL at a precise point (a hold point makes the process wait
/// there and tell the test), then <c>gridsearch resume</c> finishes it. Each resumed sweep must end exactly like an
/// uninterrupted run with the same seed (numbers and the winner's weights, on the shared discriminating data set),
/// and train no epoch twice.
/// </summary>
public sealed class CrashResumeTests(CrashResumeTests.Baseline baseline) : IClassFixture<CrashResumeTests.Baseline>, IDisposable
{
    private readonly TemporaryDirectory _dir = new("crash");

    /// <summary>The data set and the uninterrupted run every crash is compared with.</summary>
    public sealed class Baseline : IAsyncLifetime
    {
        private readonly TemporaryDirectory _dir = new("crash-baseline");

        public string Data { get; private set; } = "";

        public string Cache => _dir.Combine("cache");

        public JsonObject Result { get; private set; } = null!;

        /// <summary>Where the uninterrupted run wrote its files (winner.pt, winner.dat).</summary>
        public string Out => _dir.Combine("out");

        public async ValueTask InitializeAsync()
        {
            Data = DiscriminatingData.Root;
            var cli = new CliRun(_dir.Combine("state"), Cache);
            var run = await cli.RunAsync([.. Arguments(Data, "baseline", _dir.Combine("out")), "--json"]);
            Assert.True(run.ExitCode == 0, run.ToString());
            Result = JsonNode.Parse(run.Stdout)!.AsObject();
            // The two runs (learning rates 0.05 and 0.01) train as one fused group: every crash below is a fused sweep's.
            Assert.All(Result["trials"]!.AsArray(), t => Assert.NotNull((string?)t!["fusedGroup"]));
            Assert.Single(Result["trials"]!.AsArray().Select(t => (string?)t!["fusedGroup"]).Distinct());
        }

        public ValueTask DisposeAsync()
        {
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static string[] Arguments(string data, string sweepId, string outDir) =>
    [
        "run", "--data", data, "--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "2,3", "--seed", "5",
        "--sweep-id", sweepId, "--out", outDir, "--slots", "1",
    ];

    [Theory]
    [InlineData("sweep-started")]
    [InlineData("mid-epoch:2:3")]
    [InlineData("after-checkpoint:2")]
    [InlineData("run-finished")]
    [InlineData("testing")]
    public async Task Resume_AfterSigkill_EndsExactlyLikeAnUninterruptedRun(string point)
    {
        var cli = new CliRun(_dir.Combine("state"), baseline.Cache);
        await cli.KillAtAsync(point, _dir.Combine("held"), Arguments(baseline.Data, "crashed", _dir.Combine("out")));
        var again = await cli.RunAsync(Arguments(baseline.Data, "crashed", _dir.Combine("other")));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("gridsearch resume crashed", again.Stderr);

        var resumed = await cli.RunAsync("resume", "crashed", "--json", "--out", _dir.Combine("out"), "--slots", "1");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var result = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal(ResultTrials.Comparable(baseline.Result["trials"]!), ResultTrials.Comparable(result["trials"]!));
        Assert.Equal(baseline.Result["best"]!.ToJsonString(), result["best"]!.ToJsonString());
        Assert.Equal((double)baseline.Result["testAccuracy"]!, (double)result["testAccuracy"]!);
        Assert.Equal((int)baseline.Result["timings"]!["epochsTrained"]!, (int)result["timings"]!["epochsTrained"]!);
        // The winner's own weights, not only its numbers.
        Assert.Null(WinnerFiles.Difference(baseline.Out, _dir.Combine("out")));
    }

    public void Dispose() => _dir.Dispose();
}
