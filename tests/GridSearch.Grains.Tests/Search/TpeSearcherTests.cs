using GridSearch.Abstractions;

namespace GridSearch.Grains.Tests.Search;

/// <summary>
/// Tree-structured Parzen Estimator search: reproducible from the seed and the history, inside the space, learning
/// from results (better than random search on a known objective), and honest about stopped cells.
/// </summary>
public sealed class TpeSearcherTests
{
    private static SweepSpec Tpe(int samples, long seed = 7, string scheduler = SchedulerNames.Fifo) => new()
    {
        Search = "tpe", Samples = samples, Seed = seed, DataRoot = "/data",
        Scheduler = new SchedulerSpec { Name = scheduler },
        Parameters =
        [
            new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-4, 1, RangeScale.Log)),
            new SearchDimension(ParameterCatalog.Momentum, Range: new ParameterRange(0, 0.99)),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8, 16, 32, 64]),
            SearchDimension.Of(ParameterCatalog.Epochs, [3]),
        ],
    };

    // A smooth objective with its optimum (score 0) at lr 10^-2.5 and momentum 0.7, whatever the batch size.
    private static double Objective(CellParameters cell) =>
        -(Math.Pow(Math.Log10(cell.LearningRate) + 2.5, 2) + 4 * Math.Pow(cell.Momentum - 0.7, 2));

    /// <summary>A sweep with one slot: each cell asked once the previous one's result is in.</summary>
    private static List<CellResult> Sequential(SweepSpec spec, Func<CellParameters, double> objective)
    {
        var searcher = Searchers.For(spec);
        var asked = new List<CellParameters>();
        var results = new List<CellResult>();
        for (int i = 0; i < spec.Samples; i++)
        {
            var cell = searcher.Ask(spec, new SearchHistory(asked, results)).First();
            asked.Add(cell);
            results.Add(new CellResult(cell, objective(cell), 3, StoppedEarly: false));
        }

        return results;
    }

    [Fact]
    public void TheSameSeedAndHistory_GiveTheSameCells_AndAnotherSeedOthers()
    {
        var first = Sequential(Tpe(30), Objective).Select(r => r.Parameters.CellId).ToList();
        var again = Sequential(Tpe(30), Objective).Select(r => r.Parameters.CellId).ToList();
        var otherSeed = Sequential(Tpe(30, seed: 8), Objective).Select(r => r.Parameters.CellId).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.Equal(30, first.Distinct().Count());
    }

    [Fact]
    public void AskingAgainFromAStoredHistory_GivesTheCellsAnUninterruptedSearchGave()
    {
        var spec = Tpe(25);
        var uninterrupted = Sequential(spec, Objective);
        // A resumed sweep knows the cells it was given and their results, nothing else.
        var history = new SearchHistory(uninterrupted.Take(17).Select(r => r.Parameters).ToList(), uninterrupted.Take(17).ToList());

        var next = Searchers.For(spec).Ask(spec, history).First();

        Assert.Equal(uninterrupted[17].Parameters.CellId, next.CellId);
    }

    [Fact]
    public void SeveralCellsAskedAtOnce_AreDistinct_AndTheFirstIsTheOneAskedAlone()
    {
        var spec = Tpe(40);
        var results = Sequential(Tpe(15), Objective);
        var history = new SearchHistory(results.Select(r => r.Parameters).ToList(), results);

        var batch = Searchers.For(spec).Ask(spec, history).Take(4).ToList();

        Assert.Equal(4, batch.Select(c => c.CellId).Distinct().Count());
        Assert.DoesNotContain(batch, c => history.Asked.Contains(c));
        Assert.Equal(Searchers.For(spec).Ask(spec, history).First().CellId, batch[0].CellId);
    }

    [Fact]
    public void EverySuggestion_StaysInTheSpace_AndTheBudgetEndsTheSearch()
    {
        var spec = Tpe(60);
        var results = Sequential(spec, Objective);

        Assert.All(results.Select(r => r.Parameters), cell =>
        {
            Assert.InRange(cell.LearningRate, 1e-4, 1);
            Assert.InRange(cell.Momentum, 0, 0.99);
            Assert.Contains(cell.BatchSize, new[] { 8, 16, 32, 64 });
            Assert.Equal(3, cell.Epochs);
        });
        var history = new SearchHistory(results.Select(r => r.Parameters).ToList(), results);
        Assert.Empty(Searchers.For(spec).Ask(spec, history));
        Assert.Equal(60, SweepCells.Count(spec));
    }

    [Fact]
    public void IntegerRanges_GetWholeNumbers_AndTextChoicesComeFromTheirList()
    {
        var spec = new SweepSpec
        {
            Search = "tpe", Samples = 15, Seed = 3, DataRoot = "/data",
            Program = new ProgramSpec { Command = ["train"] },
            Parameters =
            [
                new SearchDimension("layers", Range: new ParameterRange(1, 6), Kind: ParameterKind.Integer),
                SearchDimension.Of("activation", ["relu", "tanh", "gelu"]),
                SearchDimension.Of(ParameterCatalog.Epochs, [2]),
            ],
        };
        var results = Sequential(spec, cell => -Math.Abs(cell.Get("layers").Number - 4) - (cell.Get("activation").Text == "gelu" ? 0 : 1));

        Assert.All(results.Select(r => r.Parameters), cell =>
        {
            double layers = cell.Get("layers").Number;
            Assert.Equal(Math.Round(layers), layers);
            Assert.InRange(layers, 1, 6);
            Assert.Contains(cell.Get("activation").Text, new[] { "relu", "tanh", "gelu" });
        });
    }

    [Fact]
    public void OnAKnownObjective_TpeFindsBetterCellsThanRandomSearch_OverManySeeds()
    {
        var tpe = new List<double>();
        var random = new List<double>();
        for (long seed = 1; seed <= 15; seed++)
        {
            tpe.Add(Sequential(Tpe(40, seed), Objective).Max(r => r.Score));
            random.Add(Sequential(Tpe(40, seed) with { Search = "random" }, Objective).Max(r => r.Score));
        }

        // The best score is minus the regret: a higher median best is a lower median regret.
        double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Assert.True(Median(tpe) > Median(random), $"median best: tpe {Median(tpe):F4}, random {Median(random):F4}");
        Assert.True(tpe.Count(t => t > -0.05) > random.Count(r => r > -0.05),
            $"within 0.05 of the optimum: tpe {tpe.Count(t => t > -0.05)}, random {random.Count(r => r > -0.05)} of 15");
    }

    [Fact]
    public void CellsStoppedEarly_RankBelowEveryCellThatTrainedAllItsEpochs()
    {
        var spec = Tpe(40);
        // Twenty finished cells, and ten stopped early with scores above all of theirs: were the stopped cells taken for
        // the best, the next cell would come from their corner (lr near 1); taken as worse, it comes from the others'.
        var finished = Sequential(Tpe(20), cell => -Math.Abs(Math.Log10(cell.LearningRate) + 3.5));
        var stopped = Enumerable.Range(0, 10).Select(i => new CellResult(
            new CellParameters(0.5 + i * 0.05, 16, 3) { Extra = [new ParameterSetting(ParameterCatalog.Momentum, ParameterValue.Of(0.5))] },
            Score: 10, EpochsTrained: 1, StoppedEarly: true)).ToList();
        var all = finished.Concat(stopped).ToList();
        var history = new SearchHistory(all.Select(r => r.Parameters).ToList(), all);

        var next = Searchers.For(spec).Ask(spec, history).Take(5).ToList();

        Assert.All(next, cell => Assert.True(cell.LearningRate < 0.1, $"lr {cell.LearningRate} came from the stopped cells' corner"));
    }

    [Fact]
    public void Problems_NameTheMissingBudget_TheSchedulerThatCannotWork_AndASpaceTooSmall()
    {
        var searcher = Searchers.Find("tpe")!;

        Assert.Contains("--samples", Assert.Single(searcher.Problems(Tpe(0))));
        Assert.Contains("--scheduler asha or median", Assert.Single(searcher.Problems(Tpe(10, scheduler: SchedulerNames.Halving))));
        var small = Tpe(10) with { Parameters = [SearchDimension.Of(ParameterCatalog.LearningRate, [0.1, 0.01]), SearchDimension.Of(ParameterCatalog.Epochs, [2])] };
        Assert.Contains("only 2 distinct cells", Assert.Single(searcher.Problems(small)));
    }
}
