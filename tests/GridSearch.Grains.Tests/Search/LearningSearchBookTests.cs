using GridSearch.Abstractions;
using GridSearch.Coordinator;

namespace GridSearch.Grains.Tests.Search;

/// <summary>
/// How the coordinator's book drives a searcher that learns from results: no cells laid out up front, cells asked as
/// slots free up and stored as pending runs, every finished cell's score told, and the sweep done only when the
/// budget is spent.
/// </summary>
public sealed class LearningSearchBookTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SweepSpec Tpe(int samples) => new()
    {
        Search = "tpe", Samples = samples, Seed = 11, DataRoot = "/data",
        Parameters =
        [
            new SearchDimension(ParameterCatalog.LearningRate, Range: new ParameterRange(1e-4, 1, RangeScale.Log)),
            SearchDimension.Of(ParameterCatalog.BatchSize, [8, 16]),
            SearchDimension.Of(ParameterCatalog.Epochs, [2]),
        ],
    };

    private static SweepBook Book(SweepSpec spec) => new(SweepCreation.Create(spec, Dataset, Now));

    /// <summary>Trains a claimed run to its last epoch, its accuracy the given function of its learning rate.</summary>
    private static void Train(SweepBook book, RunRecord run, Func<double, double> accuracy)
    {
        for (int epoch = 1; epoch <= run.Epochs; epoch++)
        {
            book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, accuracy(run.Parameters.LearningRate), 0.1, 1000));
        }

        book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, error: null, Now);
    }

    [Fact]
    public void ANewSweep_LaysOutNoCells_AndIsNotDoneWhileItsBudgetLasts()
    {
        var book = Book(Tpe(5));

        Assert.Empty(book.State.Cells);
        Assert.False(book.TrainingDone);
    }

    [Fact]
    public void Asking_AddsOnePendingRunPerFreeSlot_CountingRunsAlreadyWaiting()
    {
        var book = Book(Tpe(10));

        Assert.Equal(3, book.AskSearcher(freeSlots: 3));
        Assert.Equal(0, book.AskSearcher(freeSlots: 3));
        Assert.Equal(1, book.AskSearcher(freeSlots: 4));

        Assert.Equal(4, book.State.Cells.Count);
        Assert.Equal(book.State.Cells.Select(c => c.Id), book.State.Runs.Select(r => r.Id));
        Assert.All(book.State.Runs, r => Assert.Equal(CellStatus.Pending, r.Status));
        Assert.Equal([0, 1, 2, 3], book.State.Cells.Select(c => c.GridIndex));
    }

    [Fact]
    public void TheSearcherIsToldEachFinishedCellsScore_AndTheSweepEndsWithItsBudget()
    {
        var book = Book(Tpe(4));
        while (!book.TrainingDone)
        {
            book.AskSearcher(freeSlots: 1);
            foreach (var run in book.ClaimRuns(1))
            {
                Train(book, run, lr => 0.5 + lr / 10);
            }
        }

        var history = book.History();
        Assert.Equal(4, history.Asked.Count);
        Assert.Equal(4, history.Results.Count);
        Assert.All(history.Results, r => Assert.Equal(0.5 + r.Parameters.LearningRate / 10, r.Score, 12));
        Assert.True(book.State.SearchEnded);
        Assert.Equal(0, book.AskSearcher(freeSlots: 2));
    }

    [Fact]
    public void OneSlotAtATime_TheBookAsksForTheCellsTheSearcherGivesForTheSameHistory()
    {
        // What the book asked for, cell by cell, is what the searcher proposes from the results the book told it.
        var spec = Tpe(14);
        var book = Book(spec);
        while (!book.TrainingDone)
        {
            book.AskSearcher(freeSlots: 1);
            foreach (var run in book.ClaimRuns(1))
            {
                Train(book, run, lr => 1 - Math.Abs(Math.Log10(lr) + 2));
            }
        }

        var cells = book.State.Cells;
        for (int i = 0; i < cells.Count; i++)
        {
            var before = new SearchHistory(cells.Take(i).Select(c => c.Parameters).ToList(), book.History().Results.Take(i).ToList());
            Assert.Equal(Searchers.For(spec).Ask(spec, before).First().CellId, cells[i].Id);
        }
    }

    [Fact]
    public void AFailedCellTellsNothing_ButUsesItsPlaceInTheBudget()
    {
        var book = Book(Tpe(2) with { RetriesPerRun = 0 });
        book.AskSearcher(freeSlots: 1);
        var failed = Assert.Single(book.ClaimRuns(1));
        book.RunFinished(failed.Id, failed.Attempts, RunOutcome.Failed, "boom", Now);

        Assert.Empty(book.History().Results);
        Assert.Equal(1, book.AskSearcher(freeSlots: 1));
        Assert.Equal(0, book.AskSearcher(freeSlots: 2));
    }
}
