using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cli.Tests.Search;

/// <summary>
/// <c>gridsearch run --search tpe --from SWEEP</c> end to end, on a program whose loss is (x - 3)²: the second sweep is
/// told the first one's finished cells, says so in results.json and status, proposes the same cells every time, and
/// refuses an earlier sweep that is missing or a searcher that does not learn.
/// </summary>
public sealed class WarmStartSweepTests : IDisposable
{
    private const string SweepFile = """
        program:
          command: [awk, -v, "x={x}", 'BEGIN { printf "GRIDSEARCH_REPORT {\"epoch\": 1, \"loss\": %.6f}\n", (x - 3) * (x - 3) }']
        metric: loss
        mode: min
        parameters:
          x: {min: 0, max: 10}
          epochs: 1
        """;

    private readonly TemporaryDirectory _dir = new("warm-start");

    public void Dispose() => _dir.Dispose();

    private Task<CliResult> RunAsync(string sweepId, params string[] more) => RunFileAsync(SweepFile, sweepId, more);

    private Task<CliResult> RunFileAsync(string file, string sweepId, params string[] more)
    {
        File.WriteAllText(_dir.Combine($"{sweepId}.yaml"), file);
        return new CliRun(_dir.Combine("state"), _dir.Combine("cache")).RunAsync(
        [
            "run", "--config", _dir.Combine($"{sweepId}.yaml"),
            "--search", "tpe", "--seed", "4", "--slots", "1", "--sweep-id", sweepId, "--json", "--out", _dir.Combine($"out-{sweepId}"), .. more,
        ]);
    }

    private static double[] Xs(JsonObject result) =>
        [.. result["trials"]!.AsArray().Select(t => (double)t!["params"]!["x"]!)];

    [Fact]
    public async Task From_StartsFromTheEarlierSweepsCells_AndProposesTheSameCellsEveryTime()
    {
        var earlier = await RunAsync("earlier", "--samples", "12");
        Assert.True(earlier.ExitCode == 0, earlier.ToString());

        var warm = await RunAsync("warm", "--samples", "4", "--from", "earlier");
        // The same warm start from the sweep file's from: key.
        var again = await RunFileAsync(SweepFile + "\nfrom: earlier\n", "warm-again", "--samples", "4");
        var cold = await RunAsync("cold", "--samples", "4");

        Assert.True(warm.ExitCode == 0, warm.ToString());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(cold.ExitCode == 0, cold.ToString());
        var result = JsonNode.Parse(warm.Stdout)!.AsObject();
        Assert.Equal(("earlier", 12), ((string?)result["search"]!["warmStart"]!["from"], (int)result["search"]!["warmStart"]!["results"]!));
        Assert.Equal(4, result["trials"]!.AsArray().Count);
        Assert.Equal(Xs(result), Xs(JsonNode.Parse(again.Stdout)!.AsObject()));
        // Told twelve results, TPE proposes from its model at once: near x = 3, where a cold start's first four random cells are not.
        double warmDistance = Xs(result).Average(x => Math.Abs(x - 3));
        double coldDistance = Xs(JsonNode.Parse(cold.Stdout)!.AsObject()).Average(x => Math.Abs(x - 3));
        Assert.True(warmDistance < coldDistance, $"warm cells {string.Join(", ", Xs(result))}; cold {coldDistance:F2}");
        Assert.Null(JsonNode.Parse(cold.Stdout)!["search"]!["warmStart"]);

        var status = await new CliRun(_dir.Combine("state"), _dir.Combine("cache")).RunAsync("status", "warm");
        Assert.Contains("Warm start: tpe started from 12 finished cells of sweep earlier", status.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task From_AMissingSweepOrForASearcherThatDoesNotLearn_IsRefusedSayingWhy()
    {
        var missing = await RunAsync("orphan", "--samples", "4", "--from", "nowhere");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--from nowhere: there is no such sweep here", missing.Stderr, StringComparison.Ordinal);

        var random = await RunAsync("random", "--samples", "4", "--from", "nowhere", "--search", "random");
        Assert.NotEqual(0, random.ExitCode);
        Assert.Contains("--from nowhere starts a searcher that learns from results, but random search", random.Stderr, StringComparison.Ordinal);
    }
}
