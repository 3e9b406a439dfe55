using System.Text.Json;
using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Search;

/// <summary>
/// Population-based training end to end with a user's program: at each interval the worst cell goes on from the run
/// folder of a top cell with that cell's value explored, results.json records each cell's schedule, and a sweep killed
/// between a decision and its dispatch repeats the same decision when resumed.
/// </summary>
public sealed class PbtSweepTests : IDisposable
{
    // The folder remembers which x started it ("origin"); each epoch reports loss (x - 3)² + 1/epoch and that origin.
    // It waits for GridSearch's word that the folder is saved (SIGCONT) after each report, as the contract asks.
    private const string Train = """
        set -eu
        x="$1"
        trap 'saved=1' CONT
        d="$GRIDSEARCH_RUN_DIR"
        [ -f "$d/origin" ] || echo "$x" > "$d/origin"
        epoch=$(cat "$d/epoch" 2>/dev/null || echo 0)
        origin=$(cat "$d/origin")
        while [ "$epoch" -lt "$GRIDSEARCH_EPOCHS" ]; do
          epoch=$((epoch + 1))
          loss=$(awk -v x="$x" -v e="$epoch" 'BEGIN { printf "%.6f", (x - 3) * (x - 3) + 1 / e }')
          echo "$epoch" > "$d/epoch.tmp" && mv "$d/epoch.tmp" "$d/epoch"
          saved=
          echo "GRIDSEARCH_REPORT {\"epoch\": $epoch, \"loss\": $loss, \"origin\": $origin}"
          waited=0
          while [ -z "$saved" ] && [ "$waited" -lt 6000 ]; do sleep 0.01; waited=$((waited + 1)); done
        done
        """;

    private readonly TemporaryDirectory _dir = new("pbt-sweep");

    public void Dispose() => _dir.Dispose();

    private CliRun Cli()
    {
        File.WriteAllText(_dir.Combine("train.sh"), Train);
        return new CliRun(_dir.Combine("state"), _dir.Combine("cache"));
    }

    private string[] Sweep(string sweepId, params string[] more) =>
    [
        "run", "--command", $"sh {_dir.Combine("train.sh")} {{x}}", "--param", "x=0,1,2,3", "--epochs", "6",
        "--scheduler", "pbt", "--pbt-interval", "2", "--metric", "loss", "--mode", "min", "--sweep-id", sweepId,
        "--slots", "2", "--json", "--out", _dir.Combine($"out-{sweepId}"), .. more,
    ];

    [Fact]
    public async Task WorstCell_GoesOnFromTheBestCellsFolder_WithANeighbouringValue_AndResultsRecordTheSchedule()
    {
        var run = await Cli().RunAsync(Sweep("pbt"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.Stdout)!.AsObject();
        var cells = result["trials"]!.AsArray().Select(t => t!.AsObject()).ToDictionary(t => (string)t["id"]!);
        // After epoch 2, x0 is the worst of four (a quarter: one cell) and x3 the best: x0 goes on from x3's folder,
        // with x moved to a neighbour of 3 in the list (2), or drawn afresh.
        var step = Assert.Single(cells["x0-ep6"]["schedule"]!.AsArray());
        Assert.Equal(2, (int)step!["afterEpoch"]!);
        Assert.Equal("x3-ep6", (string?)step["from"]);
        int explored = (int)step["params"]!["x"]!;
        Assert.Contains(explored, new[] { 0, 1, 2, 3 });
        var origin = cells["x0-ep6"]["metrics"]!["origin"]!.AsArray().Select(v => (int)v!).ToArray();
        Assert.Equal([0, 0, 3, 3], origin[..4]);
        var loss = cells["x0-ep6"]["metrics"]!["loss"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal((explored - 3) * (explored - 3) + 1.0 / 3, loss[2], 5);
        // The best cell is never a recipient, and every cell trained all six epochs.
        Assert.Null(cells["x3-ep6"]["schedule"]);
        Assert.All(cells.Values, c => Assert.Equal(6, c["metrics"]!["loss"]!.AsArray().Count));
        Assert.Equal("pbt", (string?)result["search"]!["scheduler"]!["name"]);
        Assert.Equal(2, (int)result["search"]!["scheduler"]!["interval"]!);
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Empty(ResultsSchema.Problems(document.RootElement));
    }

    [Fact]
    public async Task KilledBetweenADecisionAndItsDispatch_ResumesToTheSameSchedulesAndNumbers()
    {
        var uninterrupted = await Cli().RunAsync(Sweep("whole"));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());

        var cli = Cli();
        await cli.KillAtAsync("pbt-decided:2", _dir.Combine("held"), Sweep("crashed"));
        var resumed = await cli.RunAsync("resume", "crashed", "--json", "--slots", "2", "--out", _dir.Combine("out-resumed"));

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(Cells(JsonNode.Parse(uninterrupted.Stdout)!.AsObject()), Cells(JsonNode.Parse(resumed.Stdout)!.AsObject()));
    }

    private static string[] Cells(JsonObject result) =>
        [.. result["trials"]!.AsArray().Select(t => $"{t!["id"]} {t["status"]} {t["metrics"]!.ToJsonString()} {t["schedule"]?.ToJsonString()}")];
}
