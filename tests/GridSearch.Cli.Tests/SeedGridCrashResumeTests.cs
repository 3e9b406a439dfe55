using System.Text.Json;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests;

/// <summary>
/// The seed grid with every option at its default, killed with SIGKILL mid-epoch and resumed: unfused it ends with the
/// golden numbers, fused with exactly the numbers of an uninterrupted fused run.
/// </summary>
public sealed class SeedGridCrashResumeTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("seed-grid-crash");

    private async Task<JsonNode> KilledAndResumedAsync(string sweepId, params string[] options)
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
        await cli.KillAtAsync("mid-epoch:2:3", _dir.Combine($"held-{sweepId}"), ["run", "--sweep-id", sweepId, "--out", _dir.Combine(sweepId), .. options]);
        var resumed = await cli.RunAsync("resume", sweepId, "--json", "--out", _dir.Combine(sweepId));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        return JsonNode.Parse(resumed.Stdout)!;
    }

    [Fact]
    public async Task SeedGridUnfused_KilledMidEpochAndResumed_GivesTheGoldenNumbers()
    {
        var resumed = await KilledAndResumedAsync("unfused", "--no-fuse");

        SeedGridCompatibilityTests.AssertGoldenNumbers(JsonDocument.Parse(resumed.ToJsonString()).RootElement);
    }

    [Fact]
    public async Task SeedGridFused_KilledMidEpochAndResumed_GivesTheUninterruptedNumbers()
    {
        var uninterrupted = await new CliRun(_dir.Combine("state-straight"), _dir.Combine("cache"))
            .RunAsync("run", "--sweep-id", "straight", "--json", "--out", _dir.Combine("straight"));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        var resumed = await KilledAndResumedAsync("fused");

        Assert.Equal(Numbers(JsonNode.Parse(uninterrupted.Stdout)!), Numbers(resumed));
        Assert.Null(WinnerFiles.Difference(_dir.Combine("straight"), _dir.Combine("fused")));
    }

    private static string Numbers(JsonNode result) => string.Join(";", result["trials"]!.AsArray().Select(t =>
        $"{t!["id"]}:{t["trainLoss"]!.ToJsonString()}:{t["valAccuracy"]!.ToJsonString()}:{t["bestEpoch"]}")) +
        $"|{result["best"]!["trialId"]}|{result["testAccuracy"]}|{result["timings"]!["epochsTrained"]}";

    public void Dispose() => _dir.Dispose();
}
