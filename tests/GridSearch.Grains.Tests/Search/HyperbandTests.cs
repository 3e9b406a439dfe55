using GridSearch.Abstractions;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests.Search;

/// <summary>
/// Hyperband: its brackets and rungs are the published schedule (Li et al. 2018, Table 1 for R = 81, η = 3), the
/// scheduler keeps exactly as many cells at each of a bracket's rungs as the schedule says, and what it needs of a
/// sweep is asked for by name.
/// </summary>
public sealed class HyperbandTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Schedule_ForR81AndEta3_IsThePapersTable()
    {
        var brackets = HyperbandSchedule.For(maxEpochs: 81, eta: 3);

        Assert.Equal([4, 3, 2, 1, 0], brackets.Select(b => b.S));
        Assert.Equal([81, 34, 15, 8, 5], brackets.Select(b => b.Cells));
        Assert.Equal([1, 3, 9, 27, 81], brackets.Select(b => b.MinEpochs));
        Assert.Equal([0, 81, 115, 130, 138], brackets.Select(b => b.FirstCell));
        // (epoch, cells reaching it, cells going on) at each rung below the 81st epoch.
        Assert.Equal([(1, 81, 27), (3, 27, 9), (9, 9, 3), (27, 3, 1)], brackets[0].Rungs.Select(r => (r.Epoch, r.Cells, r.Promoted)));
        Assert.Equal([(3, 34, 11), (9, 11, 3), (27, 3, 1)], brackets[1].Rungs.Select(r => (r.Epoch, r.Cells, r.Promoted)));
        Assert.Equal([(9, 15, 5), (27, 5, 1)], brackets[2].Rungs.Select(r => (r.Epoch, r.Cells, r.Promoted)));
        Assert.Equal([(27, 8, 2)], brackets[3].Rungs.Select(r => (r.Epoch, r.Cells, r.Promoted)));
        Assert.Empty(brackets[4].Rungs);
        Assert.Equal(143, HyperbandSchedule.TotalCells(81, 3));
    }

    [Theory]
    [InlineData(9, 3, new[] { 9, 5, 3 }, new[] { 1, 3, 9 })]
    [InlineData(10, 3, new[] { 9, 5, 3 }, new[] { 1, 3, 10 })] // R not a power of eta: rungs rounded down, last stage trains to R
    [InlineData(16, 2, new[] { 16, 10, 7, 5, 5 }, new[] { 1, 2, 4, 8, 16 })]
    [InlineData(2, 3, new[] { 1 }, new[] { 2 })] // R below eta: one bracket, no rung
    public void Schedule_OtherBudgets(int maxEpochs, int eta, int[] cells, int[] minEpochs)
    {
        var brackets = HyperbandSchedule.For(maxEpochs, eta);

        Assert.Equal(cells, brackets.Select(b => b.Cells));
        Assert.Equal(minEpochs, brackets.Select(b => b.MinEpochs));
        Assert.All(brackets, b => Assert.All(b.Rungs, r => Assert.True(r.Epoch < maxEpochs && r.Promoted >= 1 && r.Promoted < r.Cells)));
    }

    private static SweepSpec Spec(int epochs = 9, int samples = 17, string search = "random") => new()
    {
        Search = search, Samples = samples, Seed = 2, DataRoot = "/data",
        Scheduler = new SchedulerSpec { Name = SchedulerNames.Hyperband, ReductionFactor = 3 },
        Parameters =
        [
            new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-4, 1, RangeScale.Log)),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8]),
            SearchDimension.Of(ParameterCatalog.Epochs, [epochs]),
        ],
    };

    [Fact]
    public void Scheduler_KeepsAtEachRungOfEachBracketTheCellsTheScheduleSays_TheBestByScore()
    {
        var book = new SweepBook(SweepCreation.Create(Spec(), Dataset, Now));
        // The score rises with the learning rate, so at each rung the cells with the largest learning rates go on.
        double Score(RunRecord run, int epoch) => Math.Log10(run.Parameters.LearningRate) + epoch / 1000.0;
        while (book.ClaimRuns(100, Now) is { Count: > 0 } runs)
        {
            foreach (var run in runs)
            {
                for (int epoch = run.RecordedEpochs + 1; epoch <= run.AssignedEpochs && run.Status == CellStatus.Running; epoch++)
                {
                    book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, Score(run, epoch), 0.1, 1));
                }

                book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, null, Now);
            }
        }

        var cells = book.State.Cells;
        var brackets = HyperbandSchedule.For(9, 3);
        int[] Trained(HyperbandBracket b) => cells.Skip(b.FirstCell).Take(b.Cells).Select(c => c.Epochs.Count).ToArray();
        // Bracket s=2 (9 cells from epoch 1): 9 reach 1, 3 reach 3, 1 reaches 9.
        Assert.Equal([6, 2, 1], new[] { 1, 3, 9 }.Select(e => Trained(brackets[0]).Count(n => n == e)));
        // Bracket s=1 (5 cells from epoch 3): 5 reach 3, 1 reaches 9; bracket s=0 (3 cells): all train 9.
        Assert.Equal([4, 1], new[] { 3, 9 }.Select(e => Trained(brackets[1]).Count(n => n == e)));
        Assert.Equal([9, 9, 9], Trained(brackets[2]));
        // In each bracket with rungs, the one cell that trains to the end is the bracket's best.
        foreach (var bracket in brackets.Where(b => b.Rungs.Count > 0))
        {
            var members = cells.Skip(bracket.FirstCell).Take(bracket.Cells).ToList();
            Assert.Equal(members.MaxBy(c => c.Parameters.LearningRate)!.Id, members.Single(c => c.Epochs.Count == 9).Id);
        }

        Assert.Equal(21 + 21 + 27, cells.Sum(c => c.Epochs.Count));
        Assert.Equal(12, cells.Count(c => c.Status == CellStatus.Stopped));
    }

    [Fact]
    public void Bohb_FillsTheBracketsWithCellsAskedAsSlotsFreeUp_AndStopsAsTheScheduleSays()
    {
        var book = new SweepBook(SweepCreation.Create(Spec(search: "bohb"), Dataset, Now));
        Assert.Empty(book.State.Cells);
        double Score(RunRecord run, int epoch) => Math.Log10(run.Parameters.LearningRate) + epoch / 1000.0;
        for (int turn = 0; !book.TrainingDone; turn++)
        {
            Assert.True(turn < 100, "the sweep made no progress: no cell to train and none asked for");
            book.AskSearcher(freeSlots: 1);
            foreach (var run in book.ClaimRuns(1, Now))
            {
                for (int epoch = run.RecordedEpochs + 1; epoch <= run.AssignedEpochs && run.Status == CellStatus.Running; epoch++)
                {
                    book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, Score(run, epoch), 0.1, 1));
                }

                book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, null, Now);
            }
        }

        var cells = book.State.Cells;
        var brackets = HyperbandSchedule.For(9, 3);
        Assert.Equal(17, cells.Count);
        Assert.Equal(17, cells.Select(c => c.Id).Distinct().Count());
        int[] Trained(HyperbandBracket b) => cells.Skip(b.FirstCell).Take(b.Cells).Select(c => c.Epochs.Count).Order().ToArray();
        Assert.Equal([1, 1, 1, 1, 1, 1, 3, 3, 9], Trained(brackets[0]));
        Assert.Equal([3, 3, 3, 3, 9], Trained(brackets[1]));
        Assert.Equal([9, 9, 9], Trained(brackets[2]));
        Assert.Equal(12, cells.Count(c => c.Status == CellStatus.Stopped));
        // The last cell was proposed from the results of the sixteen before it (ten or more: TPE's estimators, not a draw).
        var spec = Spec(search: "bohb");
        var history = book.History();
        var known = history.Results.Where(r => r.Parameters != cells[16].Parameters).ToList();
        Assert.True(known.Count >= TpeSearcher.StartupCells, $"{known.Count} results before the last cell");
        Assert.Equal(cells[16].Id, Searchers.For(spec).Ask(spec, new SearchHistory(history.Asked.Take(16).ToList(), known)).First().CellId);
    }

    [Fact]
    public void Problems_NameWhatHyperbandNeeds()
    {
        Assert.Empty(SweepSpecRules.HyperbandProblems(Spec()));
        Assert.Contains("pass --samples 17", Assert.Single(SweepSpecRules.HyperbandProblems(Spec(samples: 20))));
        Assert.Contains("(--search random) or proposed by TPE from the results so far (--search bohb), not by grid",
            Assert.Single(SweepSpecRules.HyperbandProblems(Spec(search: "grid"))));
        Assert.Empty(SweepSpecRules.HyperbandProblems(Spec(search: "bohb")));
        Assert.Contains("add --scheduler hyperband",
            Assert.Single(Searchers.Find("bohb")!.Problems(Spec(search: "bohb") with { Scheduler = new SchedulerSpec() })));
        Assert.Contains("a single value of at least eta (3)", Assert.Single(SweepSpecRules.HyperbandProblems(Spec(epochs: 2))));
        var twoCounts = Spec() with { Parameters = [SearchDimension.Of(ParameterCatalog.LearningRate, [0.1]), SearchDimension.Of(ParameterCatalog.Epochs, [3, 9])] };
        Assert.Contains("a single value", Assert.Single(SweepSpecRules.HyperbandProblems(twoCounts)));
    }
}
