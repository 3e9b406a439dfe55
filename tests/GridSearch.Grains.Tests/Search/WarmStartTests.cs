using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests.Search;

/// <summary>
/// Warm start (<c>--from SWEEP</c>): TPE told an earlier sweep's results proposes from its model at once, near what
/// scored well there, never proposes those cells again, and stays reproducible; an earlier sweep over another space
/// or objective is refused, and its cells outside this space are left out.
/// </summary>
public sealed class WarmStartTests
{
    private static SweepSpec Tpe(int samples, long seed = 11) => new()
    {
        Search = "tpe", Samples = samples, Seed = seed, DataRoot = "/data",
        Parameters =
        [
            new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-4, 1, RangeScale.Log)),
            new SearchDimension(ParameterCatalog.Momentum, Range: new ParameterRange(0, 0.99)),
            SearchDimension.Of(ParameterCatalog.BatchSize, [16]),
            SearchDimension.Of(ParameterCatalog.Epochs, [3]),
        ],
    };

    // The optimum (score 0) is at lr 10^-3 and momentum 0.9.
    private static double Score(CellParameters cell) =>
        -(Math.Pow(Math.Log10(cell.LearningRate) + 3, 2) + 4 * Math.Pow(cell.Momentum - 0.9, 2));

    // An earlier sweep's finished cells: its own random search over the same space.
    private static CellResult[] Earlier(int cells) =>
        [.. Searchers.For(Tpe(cells) with { Search = "random", Seed = 99 }).Ask(Tpe(cells) with { Search = "random", Seed = 99 }, SearchHistory.Empty)
            .Select(cell => new CellResult(cell, Score(cell), 3, StoppedEarly: false))];

    private static double Distance(CellParameters cell) => -Score(cell);

    [Fact]
    public void Tpe_ToldAnEarlierSweepsResults_ProposesFromItsModelAtOnce_NearTheBestOfThem()
    {
        var spec = Tpe(8);
        var prior = Earlier(20);
        var warm = new SearchHistory([], []) { Prior = prior };

        var cold = Searchers.For(spec).Ask(spec, SearchHistory.Empty).ToList();
        var started = Searchers.For(spec).Ask(spec, warm).ToList();
        var again = Searchers.For(spec).Ask(spec, warm).ToList();

        Assert.Equal(started.Select(c => c.CellId), again.Select(c => c.CellId));
        Assert.NotEqual(cold[0].CellId, started[0].CellId);
        Assert.DoesNotContain(started, cell => prior.Any(p => p.Parameters == cell));
        // The model's cells lie where the earlier sweep scored well; a cold start's first cells are random draws.
        double best = prior.Max(p => p.Score);
        double goodHalf = prior.Select(p => p.Score).Order().ElementAt(prior.Length / 2);
        Assert.True(started.Average(Distance) < cold.Average(Distance),
            $"warm {started.Average(Distance):F3} vs cold {cold.Average(Distance):F3} (earlier best {best:F3}, median {goodHalf:F3})");
    }

    [Fact]
    public void From_KeepsTheEarlierSweepsCellsInsideThisSpace_AndRefusesAnotherSpaceOrObjective()
    {
        var spec = Tpe(8) with
        {
            Parameters =
            [
                new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-3, 1, RangeScale.Log)),
                new SearchDimension(ParameterCatalog.Momentum, Range: new ParameterRange(0, 0.99)),
                SearchDimension.Of(ParameterCatalog.BatchSize, [16]),
                SearchDimension.Of(ParameterCatalog.Epochs, [5]),
            ],
        };
        var earlierSpec = Tpe(20);
        var cells = Earlier(20).Select(r => new CellSnapshot(r.Parameters.CellId, r.Parameters, CellStatus.Completed,
            [new EpochMetrics(1, 0.5, 0.6, 1, 0), new EpochMetrics(2, 0.4, 0.7, 1, 0)], 1, null, null, 2)).ToArray();
        var earlier = new SweepSnapshot("earlier", SweepStatus.Completed, earlierSpec, null, cells, null, null,
            new SweepTimings(1, 0, 1, 40), null, DateTimeOffset.UnixEpoch, null);

        var taken = WarmStarts.From(earlier, spec);

        Assert.Empty(taken.Problems);
        int inside = cells.Count(c => c.Parameters.LearningRate >= 1e-3);
        Assert.Equal((inside, 20 - inside), (taken.Results.Length, taken.OutsideSpace));
        Assert.All(taken.Results, r => Assert.Equal(0.7, r.Score)); // scored by the objective at the best epoch

        var otherSpace = WarmStarts.From(earlier, spec with { Parameters = [.. spec.Parameters, new SearchDimension(ParameterCatalog.WeightDecay, Range: new ParameterRange(1e-5, 1e-2, RangeScale.Log))] });
        Assert.Contains(otherSpace.Problems, p => p.Contains("a warm start needs the same parameters", StringComparison.Ordinal));
        var program = spec with { Program = new ProgramSpec { Command = ["train"] }, Metric = "loss", Mode = MetricMode.Min };
        var otherKind = WarmStarts.From(earlier, program);
        Assert.Contains(otherKind.Problems, p => p.Contains("start from a sweep of the same kind", StringComparison.Ordinal));
        Assert.Contains(otherKind.Problems, p => p.Contains("same metric and mode", StringComparison.Ordinal));
    }

    [Fact]
    public void From_IsOnlyForSearchersThatLearn()
    {
        var grid = Tpe(8) with { Search = "grid", WarmStart = new WarmStart("earlier", []) };

        Assert.Contains(SweepSpecRules.Problems(grid), p => p.Contains("--from earlier starts a searcher that learns from results", StringComparison.Ordinal));
    }
}
