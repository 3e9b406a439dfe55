using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>The schedulers' decisions as the coordinator's bookkeeping applies them, free of Orleans.</summary>
public sealed class SchedulerTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Nine learning rates, one epoch count: nine runs of one cell each, accuracy rising with the learning rate.
    private static SweepBook Book(string scheduler, int[]? epochs = null, int minEpochs = 1) => new(SweepCreation.Create(new SweepSpec
    {
        LearningRates = Enumerable.Range(1, 9).Select(i => i / 100.0).ToArray(), BatchSizes = [8], Epochs = epochs ?? [9],
        DataRoot = "/data", Scheduler = new SchedulerSpec { Name = scheduler, ReductionFactor = 3, MinEpochs = minEpochs },
    }, Dataset, Now));

    private static void Record(SweepBook book, RunRecord run, int epoch, double? accuracy = null) =>
        book.RecordEpoch(run.Id, run.Attempts, new EpochMetrics(epoch, 0.5, accuracy ?? Accuracy(run, epoch), 0.1, 1));

    private static double Accuracy(RunRecord run, int epoch) => run.Parameters.LearningRate + epoch / 1000.0;

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
        Assert.DoesNotContain(book.State.Cells, t => t.Status == CellStatus.Stopped);
        var last = first[8];
        book.RecordEpoch(last.Id, 1, new EpochMetrics(1, 0.5, Accuracy(last, 1), 0.1, 1));
        book.RunFinished(last.Id, 1, RunOutcome.Completed, null, Now);
        TrainAll(book);

        var trials = book.State.Cells;
        Assert.Equal(["lr0.09-bs8-ep9"], trials.Where(t => t.Status == CellStatus.Completed).Select(t => t.Id));
        Assert.Equal(6, trials.Count(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 1));
        Assert.Equal(2, trials.Count(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 3));
        Assert.Equal([1, 3], book.State.DecidedRungs);
        Assert.True(book.TrainingDone);
        Assert.Equal(9 + 2 * 3 + 6, trials.Sum(t => t.Epochs.Count)); // 21 epochs instead of 81
        Assert.Equal("lr0.09-bs8-ep9", book.State.Best!.CellId);
    }

    [Fact]
    public void Halving_MinEpochsTwo_HasRungsAtTwoAndSix_AndSendsEveryRunToTheFirstOnly()
    {
        var book = Book(SchedulerNames.Halving, minEpochs: 2);

        Assert.All(book.ClaimRuns(100, Now), r => Assert.Equal(2, r.AssignedEpochs));
        foreach (var run in book.State.Runs)
        {
            Record(book, run, 1);
            Record(book, run, 2);
            book.RunFinished(run.Id, run.Attempts, RunOutcome.Completed, null, Now);
        }

        TrainAll(book);

        var trials = book.State.Cells;
        Assert.Equal([2, 6], book.State.DecidedRungs);
        Assert.Equal(["lr0.09-bs8-ep9"], trials.Where(t => t.Status == CellStatus.Completed).Select(t => t.Id));
        Assert.Equal(["lr0.07-bs8-ep9", "lr0.08-bs8-ep9"], trials.Where(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 6).Select(t => t.Id));
        Assert.Equal(6, trials.Count(t => t.Status == CellStatus.Stopped && t.Epochs.Count == 2));
        Assert.Equal(6 * 2 + 2 * 6 + 9, trials.Sum(t => t.Epochs.Count));
    }

    [Fact]
    public void Asha_BeyondTheFirstRung_StopsACellThatPassedRungOneButNotRungThree()
    {
        var book = Book(SchedulerNames.Asha);
        var runs = book.ClaimRuns(100, Now);
        var (second, best) = (runs[7], runs[8]);

        Record(book, second, 1); // alone at rung 1: among the best third of one
        Record(book, best, 1);
        Record(book, best, 2);
        Record(book, best, 3); // first at rung 3
        Record(book, second, 2);
        Assert.Equal(CellStatus.Running, book.State.Cells[7].Status); // epoch 2 is no rung
        Record(book, second, 3); // one better of two at rung 3: ⌈2/3⌉ = 1 goes on

        Assert.Equal(CellStatus.Stopped, book.State.Cells[7].Status);
        Assert.Equal(3, book.State.Cells[7].Epochs.Count);
        Assert.Equal(CellStatus.Running, book.State.Cells[8].Status);
        Assert.Equal([second.Id], book.TakeRunsToStop());
    }

    [Fact]
    public void Asha_MinEpochsTwo_DecidesNothingAfterEpochOne_AndStopsAtRungTwo()
    {
        var book = Book(SchedulerNames.Asha, minEpochs: 2);
        var runs = book.ClaimRuns(100, Now);
        var (worst, best) = (runs[0], runs[8]);

        Record(book, best, 1);
        Record(book, best, 2);
        Record(book, worst, 1, accuracy: 0.0);
        Assert.Equal(CellStatus.Running, book.State.Cells[0].Status); // epoch 1 is below the first rung
        Record(book, worst, 2);

        Assert.Equal(CellStatus.Stopped, book.State.Cells[0].Status);
        Assert.Equal(2, book.State.Cells[0].Epochs.Count);
    }

    [Fact]
    public void Halving_SharedRun_StopsOnlyTheCellThatLost()
    {
        // Cells of 2 and 9 epochs share a run per learning rate. At rung 1 (eta 2) the best 3 of 6 go on: both cells of
        // lr 0.03 and, of lr 0.02's two equal cells, the earlier (2 epochs); its 9-epoch twin stops there.
        var book = new SweepBook(SweepCreation.Create(new SweepSpec
        {
            LearningRates = [0.01, 0.02, 0.03], BatchSizes = [8], Epochs = [2, 9], DataRoot = "/data",
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Halving, ReductionFactor = 2 },
        }, Dataset, Now));

        TrainAll(book);

        var cells = book.State.Cells.ToDictionary(t => (t.Parameters.LearningRate, t.Parameters.Epochs));
        Assert.Equal((CellStatus.Completed, 2), (cells[(0.02, 2)].Status, cells[(0.02, 2)].Epochs.Count));
        Assert.Equal((CellStatus.Stopped, 1), (cells[(0.02, 9)].Status, cells[(0.02, 9)].Epochs.Count));
        var shared = book.State.Runs.Single(r => r.Parameters.LearningRate == 0.02);
        Assert.Equal((CellStatus.Completed, 2), (shared.Status, shared.RecordedEpochs)); // trained only as far as its surviving cell
        Assert.Equal((CellStatus.Completed, 9), (cells[(0.03, 9)].Status, cells[(0.03, 9)].Epochs.Count));
        Assert.All(book.State.Cells.Where(t => t.Parameters.LearningRate == 0.01), t => Assert.Equal(CellStatus.Stopped, t.Status));
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

        Assert.Equal(CellStatus.Running, book.State.Cells[8].Status);
        Assert.Equal(CellStatus.Stopped, book.State.Cells[0].Status);
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

        Assert.DoesNotContain(book.State.Cells, t => t.Status == CellStatus.Stopped);
        book.RecordEpoch(runs[0].Id, 1, new EpochMetrics(1, 0.5, 0.001, 0.1, 1));
        book.RecordEpoch(runs[4].Id, 1, new EpochMetrics(1, 0.5, 0.99, 0.1, 1));

        Assert.Equal(CellStatus.Stopped, book.State.Cells[0].Status);
        Assert.Equal(CellStatus.Running, book.State.Cells[4].Status);
    }

    [Fact]
    public void Fifo_TrainsEveryEpoch()
    {
        var book = Book(SchedulerNames.Fifo);

        TrainAll(book);

        Assert.All(book.State.Cells, t => Assert.Equal((CellStatus.Completed, 9), (t.Status, t.Epochs.Count)));
    }
}
