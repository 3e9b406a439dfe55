using GridSearch.Abstractions;
using GridSearch.Grains.Coordinator;
using GridSearch.Grains.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>The schedulers' decisions as the coordinator's bookkeeping applies them, free of Orleans.</summary>
public sealed class SchedulerTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Nine learning rates, one epoch count: nine runs of one cell each, accuracy rising with the learning rate.
    private static SweepBook Book(string scheduler, int[]? epochs = null) => new(SweepBook.Create(new SweepSpec
    {
        LearningRates = Enumerable.Range(1, 9).Select(i => i / 100.0).ToArray(), BatchSizes = [8], Epochs = epochs ?? [9],
        DataRoot = "/data", Scheduler = new SchedulerSpec { Name = scheduler, ReductionFactor = 3, MinEpochs = 1 },
    }, Dataset, Now));

    private static double Accuracy(RunRecord run, int epoch) => run.LearningRate + epoch / 1000.0;

    /// <summary>Trains every claimable run to where it is sent, epoch by epoch, until nothing is left to claim.</summary>
    private static void TrainAll(SweepBook book)
    {
        while (book.ClaimRuns(100, Now) is { Count: > 0 } runs)
        {
            foreach (var run in runs)
            {
                for (int epoch = run.RecordedEpochs + 1; epoch <= run.AssignedEpochs && run.Status == CellStatus.Running; epoch++)
                {
                    book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, Accuracy(run, epoch), 0.1, 1));
                }

                book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, null, Now);
            }
        }
    }

    [Fact]
    public void Halving_NineCellsEtaThree_KeepsTheBestThirdAtEachRungAndTrainsFarLess()
    {
        var book = Book(SchedulerNames.Halving);

        // Every run is first sent to rung 1 only, and waits there until all have reached it.
        var first = book.ClaimRuns(100, Now);
        Assert.All(first, r => Assert.Equal(1, r.AssignedEpochs));
        foreach (var run in first.Take(8))
        {
            book.RecordEpoch(run.Id, 1, new EpochMetrics(1, 0.5, Accuracy(run, 1), 0.1, 1));
            book.RunFinished(run.Id, 1, RunOutcome.Completed, null, Now);
        }

        Assert.Empty(book.ClaimRuns(100, Now)); // eight wait at the rung for the ninth
        Assert.DoesNotContain(book.State.Trials, t => t.Status == CellStatus.Stopped);
        var last = first[8];
        book.RecordEpoch(last.Id, 1, new EpochMetrics(1, 0.5, Accuracy(last, 1), 0.1, 1));
        book.RunFinished(last.Id, 1, RunOutcome.Completed, null, Now);
        TrainAll(book);

        var trials = book.State.Trials;
        Assert.Equal(["lr0.09-bs8-ep9"], trials.Where(t => t.Status == CellStatus.Completed).Select(t => t.Id));
        Assert.Equal(6, trials.Count(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 1));
        Assert.Equal(2, trials.Count(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 3));
        Assert.Equal([1, 3], book.State.DecidedRungs);
        Assert.True(book.TrainingDone);
        Assert.Equal(9 + 2 * 3 + 6, trials.Sum(t => t.Epochs.Count)); // 21 epochs instead of 81
        Assert.Equal("lr0.09-bs8-ep9", book.State.Best!.TrialId);
    }

    [Fact]
    public void Halving_SharedRun_StopsOnlyTheCellThatLost()
    {
        // Cells of 2 and 9 epochs share a run per learning rate. At rung 1 (eta 2) the best 3 of 6 go on: both cells of
        // lr 0.03 and, of lr 0.02's two equal cells, the earlier (2 epochs); its 9-epoch twin stops there.
        var book = new SweepBook(SweepBook.Create(new SweepSpec
        {
            LearningRates = [0.01, 0.02, 0.03], BatchSizes = [8], Epochs = [2, 9], DataRoot = "/data",
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Halving, ReductionFactor = 2 },
        }, Dataset, Now));

        TrainAll(book);

        var cells = book.State.Trials.ToDictionary(t => (t.Parameters.LearningRate, t.Parameters.Epochs));
        Assert.Equal((CellStatus.Completed, 2), (cells[(0.02, 2)].Status, cells[(0.02, 2)].Epochs.Count));
        Assert.Equal((CellStatus.Stopped, 1), (cells[(0.02, 9)].Status, cells[(0.02, 9)].Epochs.Count));
        var shared = book.State.Runs.Single(r => r.LearningRate == 0.02);
        Assert.Equal((CellStatus.Completed, 2), (shared.Status, shared.RecordedEpochs)); // trained only as far as its surviving cell
        Assert.Equal((CellStatus.Completed, 9), (cells[(0.03, 9)].Status, cells[(0.03, 9)].Epochs.Count));
        Assert.All(book.State.Trials.Where(t => t.Parameters.LearningRate == 0.01), t => Assert.Equal(CellStatus.Stopped, t.Status));
    }

    [Fact]
    public void Asha_CellBelowTheRungsBest_StopsWithoutWaitingForOthers()
    {
        var book = Book(SchedulerNames.Asha);
        var runs = book.ClaimRuns(100, Now);
        Assert.All(runs, r => Assert.Equal(9, r.AssignedEpochs)); // nobody waits at a rung

        var best = runs[8];
        book.RecordEpoch(best.Id, 1, new EpochMetrics(1, 0.5, Accuracy(best, 1), 0.1, 1));
        var worse = runs[0];
        book.RecordEpoch(worse.Id, 1, new EpochMetrics(1, 0.5, Accuracy(worse, 1), 0.1, 1));

        Assert.Equal(CellStatus.Running, book.State.Trials[8].Status);
        Assert.Equal(CellStatus.Stopped, book.State.Trials[0].Status);
        Assert.Equal(CellStatus.Stopped, worse.Status);
        Assert.Equal([worse.Id], book.TakeRunsToStop()); // its trainer is told to stop it
        Assert.False(book.RunFinished(worse.Id, 1, RunOutcome.Cancelled, null, Now)); // and its end changes nothing
    }

    [Fact]
    public void Median_CellBelowTheOthersMedian_Stops()
    {
        var book = Book(SchedulerNames.Median);
        var runs = book.ClaimRuns(100, Now);
        foreach (var run in runs.Skip(5))
        {
            book.RecordEpoch(run.Id, 1, new EpochMetrics(1, 0.5, Accuracy(run, 1), 0.1, 1));
        }

        Assert.DoesNotContain(book.State.Trials, t => t.Status == CellStatus.Stopped);
        book.RecordEpoch(runs[0].Id, 1, new EpochMetrics(1, 0.5, 0.001, 0.1, 1));
        book.RecordEpoch(runs[4].Id, 1, new EpochMetrics(1, 0.5, 0.99, 0.1, 1));

        Assert.Equal(CellStatus.Stopped, book.State.Trials[0].Status);
        Assert.Equal(CellStatus.Running, book.State.Trials[4].Status);
    }

    [Fact]
    public void Fifo_TrainsEveryEpoch()
    {
        var book = Book(SchedulerNames.Fifo);

        TrainAll(book);

        Assert.All(book.State.Trials, t => Assert.Equal((CellStatus.Completed, 9), (t.Status, t.Epochs.Count)));
    }
}
