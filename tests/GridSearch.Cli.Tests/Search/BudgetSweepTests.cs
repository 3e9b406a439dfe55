using System.Text.Json;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Search;

/// <summary>
/// A sweep's epoch and time budgets end its training with the best so far: cells training stop where they are (and
/// still compete), cells not started are cancelled saying why, and the sweep completes saying which budget ended it.
/// </summary>
public sealed class BudgetSweepTests : IDisposable
{
    // Each epoch of x reports loss (x - 3)² / epoch; with TRAIN_SECONDS, it takes that long.
    private const string Train = """
        for e in $(seq 1 "$GRIDSEARCH_EPOCHS"); do
          [ -n "$TRAIN_SECONDS" ] && sleep "$TRAIN_SECONDS"
          echo "GRIDSEARCH_REPORT {\"epoch\": $e, \"loss\": $(( ($1 - 3) * ($1 - 3) * 10 / e ))}"
        done
        """;

    private readonly TemporaryDirectory _dir = new("budget-sweep");

    public void Dispose() => _dir.Dispose();

    private CliRun Cli()
    {
        File.WriteAllText(_dir.Combine("train.sh"), Train);
        return new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
    }

    private string[] Sweep(string sweepId, params string[] more) =>
    [
        "run", "--command", $"sh {_dir.Combine("train.sh")} {{x}}", "--param", "x=1,2,3,4,5,6", "--epochs", "3",
        "--metric", "loss", "--mode", "min", "--sweep-id", sweepId, "--slots", "1", "--json", "--out", _dir.Combine($"out-{sweepId}"), .. more,
    ];

    [Fact]
    public async Task MaxEpochs_EndsTrainingAfterThatManyEpochs_WithTheBestSoFar()
    {
        var run = await Cli().RunAsync(Sweep("epochs", "--max-epochs", "7"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal(7, (int)result["search"]!["maxEpochs"]!);
        var cells = result["trials"]!.AsArray().Select(t => ((string?)t!["status"], t["valAccuracy"]!.AsArray().Count)).ToArray();
        // The cells hold exactly the budget's epochs. Epochs the program trained while the stop was on its way were
        // trained (and are counted) but end no cell: with one slot, at most the two epochs left of the run under way.
        Assert.Equal(7, cells.Sum(c => c.Count));
        Assert.InRange((int)result["timings"]!["epochsTrained"]!, 7, 9);
        Assert.Equal([("Completed", 3), ("Completed", 3), ("Stopped", 1), ("Cancelled", 0), ("Cancelled", 0), ("Cancelled", 0)], cells);
        Assert.Contains("not trained: the sweep's epoch budget (7 epochs, max_epochs) was spent", (string?)result["trials"]![5]!["error"], StringComparison.Ordinal);
        Assert.Equal(("x3-ep3", 1), ((string?)result["best"]!["trialId"], (int)result["best"]!["epoch"]!));
        Assert.StartsWith("Training ended when the sweep's epoch budget (7 epochs, max_epochs) was spent: 1 cells stopped where they were, 3 not trained",
            (string?)result["message"], StringComparison.Ordinal);
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Empty(ResultsSchema.Problems(document.RootElement));
    }

    [Fact]
    public async Task MaxEpochs_AfterSigkillAndResume_EndsLikeTheUninterruptedSweep()
    {
        var uninterrupted = await Cli().RunAsync(Sweep("whole", "--max-epochs", "7"));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        // Killed when the first run has finished: three of the budget's seven epochs trained.
        var cli = Cli();
        await cli.KillAtAsync("run-finished", _dir.Combine("held"), Sweep("crashed", "--max-epochs", "7"));
        var resumed = await cli.RunAsync("resume", "crashed", "--json", "--slots", "1", "--out", _dir.Combine("out-resumed"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        var expected = JsonNode.Parse(uninterrupted.Stdout)!.AsObject();
        var actual = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal(Cells(expected), Cells(actual));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal((string?)expected["message"], (string?)actual["message"]);
    }

    private static (string?, string?, int)[] Cells(JsonObject result) =>
        [.. result["trials"]!.AsArray().Select(t => ((string?)t!["id"], (string?)t["status"], t["valAccuracy"]!.AsArray().Count))];

    [Fact]
    public async Task TimeBudget_EndsTrainingWhenItRunsOut_EvenInTheMiddleOfAnEpoch()
    {
        var cli = Cli();
        cli.Environment["TRAIN_SECONDS"] = "0.5";

        var run = await cli.RunAsync(Sweep("time", "--time-budget", "3s"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal(3, (double)result["search"]!["timeBudgetSeconds"]!);
        Assert.Contains("time budget (00:00:03, time_budget) ran out", (string?)result["message"], StringComparison.Ordinal);
        // Six cells of three half-second epochs take 9 s and more: the budget ended the sweep with cells untrained.
        Assert.Contains(result["trials"]!.AsArray(), t => (string?)t!["status"] == "Cancelled");
        Assert.True((int)result["timings"]!["epochsTrained"]! < 18);
    }

    [Fact]
    public async Task Budgets_ThatAreNotOne_AreRefusedBeforeAnythingRuns()
    {
        var epochs = await Cli().RunAsync(Sweep("bad-epochs", "--max-epochs", "-1"));
        Assert.NotEqual(0, epochs.ExitCode);
        Assert.Contains("max_epochs -1 must be 0 (no limit) or more", epochs.Stderr, StringComparison.Ordinal);

        var time = await Cli().RunAsync(Sweep("bad-time", "--time-budget", "soon"));
        Assert.NotEqual(0, time.ExitCode);
        Assert.Contains("--time-budget 'soon' is not a duration", time.Stderr, StringComparison.Ordinal);
    }
}
