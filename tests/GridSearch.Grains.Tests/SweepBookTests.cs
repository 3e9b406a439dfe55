using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

public sealed class SweepBookTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.1, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SweepBook Book(SweepSpec spec) => new(SweepCreation.Create(spec with { DataRoot = "/data" }, Dataset, Now));

    private static EpochMetrics Epoch(int epoch, double accuracy) => new(epoch, 0.5, accuracy, 0.1, 1000);

    [Fact]
    public void Create_SharedPrefix_GroupsCellsThatDifferOnlyInEpochs()
    {
        var book = Book(new SweepSpec());

        Assert.Equal(8, book.State.Cells.Count);
        Assert.Equal(["lr0.01-bs16-ep10", "lr0.01-bs32-ep10", "lr0.001-bs16-ep10", "lr0.001-bs32-ep10"], book.State.Runs.Select(r => r.Id));
        Assert.All(book.State.Runs, r => Assert.Equal(10, r.Epochs));
        Assert.Equal(SweepStatus.Running, book.State.Status);
    }

    [Fact]
    public void Create_WithoutSharedPrefix_OneRunPerCell()
    {
        var book = Book(new SweepSpec { SharedPrefix = false });

        Assert.Equal(book.State.Cells.Select(t => t.Id), book.State.Runs.Select(r => r.Id));
    }

    [Fact]
    public void ClaimRuns_TakesPendingRunsInGridOrder()
    {
        var book = Book(new SweepSpec());

        var first = book.ClaimRuns(count: 3);
        var second = book.ClaimRuns(count: 3);

        Assert.Equal(["lr0.01-bs16-ep10", "lr0.01-bs32-ep10", "lr0.001-bs16-ep10"], first.Select(r => r.Id));
        Assert.Equal(["lr0.001-bs32-ep10"], second.Select(r => r.Id));
        Assert.All(first, r => Assert.Equal(1, r.Attempts));
    }

    [Fact]
    public void RecordEpoch_SharedRun_FillsEveryCellUpToItsEpochCount()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2, 3] });
        var run = Assert.Single(book.ClaimRuns(1));

        for (int e = 1; e <= 3; e++)
        {
            Assert.NotEqual(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 1, Epoch(e, 0.5 + e / 100.0)));
        }

        var (two, three) = (book.State.Cells[0], book.State.Cells[1]);
        Assert.Equal([1, 2], two.Epochs.Select(e => e.Epoch));
        Assert.Equal([1, 2, 3], three.Epochs.Select(e => e.Epoch));
        Assert.Equal(CellStatus.Completed, two.Status);
        Assert.Equal(CellStatus.Completed, three.Status);
        Assert.Equal(3, book.State.Cells[1].Epochs.Count);
    }

    [Fact]
    public void RecordEpoch_StaleAttemptOrRepeatedEpoch_IsIgnored()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [3] });
        var run = Assert.Single(book.ClaimRuns(1));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.6));

        Assert.Equal(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 1, Epoch(1, 0.9)));
        Assert.Equal(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 2, Epoch(2, 0.9)));
        Assert.Equal(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 1, Epoch(3, 0.9)));
        Assert.Equal([1], book.State.Cells[0].Epochs.Select(e => e.Epoch));
        Assert.Equal(1, run.RecordedEpochs);
    }

    [Fact]
    public void Best_IsTheHighestValidationAccuracyOverAllTrialsAndEpochs()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [2], SharedPrefix = false });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.60));
        book.RecordEpoch(runs[1].Id, 1, Epoch(1, 0.70));
        book.RecordEpoch(runs[0].Id, 1, Epoch(2, 0.65));

        Assert.Equal(("lr0.2-bs8-ep2", 1, 0.70), (book.State.Best!.CellId, book.State.Best.Epoch, book.State.Best.Value));
    }

    [Fact]
    public void Best_TieWithLaterTrial_KeepsTheEarlierGridCell()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [1], SharedPrefix = false });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.7));

        Assert.Equal(EpochRecordOutcome.Recorded, book.RecordEpoch(runs[1].Id, 1, Epoch(1, 0.7)));
        Assert.Equal("lr0.1-bs8-ep1", book.State.Best!.CellId);
    }

    [Fact]
    public void Best_TieReportedLaterByAnEarlierGridCell_TakesOver()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [1], SharedPrefix = false });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[1].Id, 1, Epoch(1, 0.7));

        Assert.Equal(EpochRecordOutcome.RecordedNewBest, book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.7)));
        Assert.Equal("lr0.1-bs8-ep1", book.State.Best!.CellId);
    }

    [Fact]
    public void Best_TieWithinOneTrial_KeepsTheEarliestEpoch()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [3] });
        var run = Assert.Single(book.ClaimRuns(1));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.5));
        book.RecordEpoch(run.Id, 1, Epoch(2, 0.8));
        book.RecordEpoch(run.Id, 1, Epoch(3, 0.8));

        Assert.Equal(2, book.State.Best!.Epoch);
    }

    [Fact]
    public void Best_SharedRunTie_GoesToTheShorterCellWhenItComesFirstInTheGrid()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1, 2] });
        var run = Assert.Single(book.ClaimRuns(1));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.9));

        Assert.Equal("lr0.1-bs8-ep1", book.State.Best!.CellId);
    }

    [Fact]
    public void RunFinished_FailureWithRetriesLeft_RequeuesThenFailsWhenExhausted()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2], RetriesPerRun = 1 });
        var run = Assert.Single(book.ClaimRuns(1));

        book.RunFinished(run.Id, 1, RunOutcome.Failed, "loss became NaN");
        Assert.Equal(CellStatus.Pending, run.Status);
        Assert.Single(book.ClaimRuns(1));
        Assert.False(book.RunFinished(run.Id, 1, RunOutcome.Failed, "stale report from attempt 1"));
        book.RunFinished(run.Id, 2, RunOutcome.Failed, "loss became NaN again");

        Assert.Equal(CellStatus.Failed, run.Status);
        var cell = Assert.Single(book.State.Cells);
        Assert.Equal(CellStatus.Failed, cell.Status);
        Assert.Contains("loss became NaN again", cell.Error);
        Assert.True(book.TrainingDone);
        Assert.False(book.AnyEpochRecorded);
        Assert.Contains("All 1 cells failed", book.AllFailedMessage());
    }

    [Fact]
    public void RunFinished_NamesTheTrainerThatRanIt_EvenWhenTheStartAnswerNeverArrived_ButNotFromAStaleAttempt()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1], RetriesPerRun = 1 });
        var run = Assert.Single(book.ClaimRuns(1));
        Assert.Null(run.Silo); // dispatched; the answer saying where it went is not in yet

        Assert.False(book.RunFinished(run.Id, 0, RunOutcome.Completed, null, trainer: "stale-trainer"));
        Assert.Null(run.Silo);
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.9));
        Assert.True(book.RunFinished(run.Id, 1, RunOutcome.Completed, null, trainer: "trainer-b"));

        Assert.Equal("trainer-b", Assert.Single(book.Snapshot("s", 1).Cells).Silo);
    }

    [Fact]
    public void Snapshot_WallSeconds_IsDispatchToEndLessTheWaitForAFreeSlot()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });
        var run = Assert.Single(book.ClaimRuns(1, Now));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.7));

        Assert.True(book.RunFinished(run.Id, 1, RunOutcome.Completed, null, Now.AddSeconds(5), queuedSeconds: 1.5));

        Assert.Equal(3.5, Assert.Single(book.Snapshot("s", 5).Cells).WallSeconds, precision: 9);
    }

    [Fact]
    public void RunFinished_CancelledBySilo_RequeuesWithoutUsingARetry()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2], RetriesPerRun = 0 });
        var run = Assert.Single(book.ClaimRuns(1));

        book.RunFinished(run.Id, 1, RunOutcome.Cancelled, null);

        Assert.Equal(CellStatus.Pending, run.Status);
        Assert.Equal(0, run.Failures);
    }

    [Fact]
    public void Cancel_MarksEveryUnfinishedTrialCancelled()
    {
        var book = Book(new SweepSpec());
        var running = book.ClaimRuns(2);

        var stopped = book.Cancel(Now, "cancelled by the user");

        Assert.Equal(running.Select(r => r.Id), stopped.Select(r => r.Id));
        Assert.Equal(SweepStatus.Cancelled, book.State.Status);
        Assert.All(book.State.Cells, t => Assert.Equal(CellStatus.Cancelled, t.Status));
        Assert.Throws<InvalidOperationException>(() => book.State.MoveTo(SweepStatus.Running));
    }

    [Fact]
    public void RequeueLost_PutsTheRunBackInTheQueueWithoutUsingARetry()
    {
        var book = Book(new SweepSpec { RetriesPerRun = 0 });
        var claimed = book.ClaimRuns(2);

        book.RequeueLost(claimed[0]);

        Assert.Equal(CellStatus.Pending, claimed[0].Status);
        Assert.Equal(0, claimed[0].Failures);
        Assert.Equal(claimed[0].Id, book.ClaimRuns(1).Single().Id);
        Assert.Equal(2, claimed[0].Attempts);
    }

    [Fact]
    public void RequeueLost_RunWithEveryEpochRecorded_IsDispatchedAgainAndEndsWhenItsTrainerFindsItDone()
    {
        // Every epoch reached the coordinator but the run's end did not (its trainer died): the run goes back to the
        // queue with no cell left to train. It must be dispatched again, not wait forever for a scheduler decision.
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2] });
        var run = Assert.Single(book.ClaimRuns(1, Now));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.6));
        book.RecordEpoch(run.Id, 1, Epoch(2, 0.7));
        book.RequeueLost(run);

        var again = Assert.Single(book.ClaimRuns(1, Now));
        Assert.Equal(2, book.AssignmentFor("s", again).Epochs);
        Assert.True(book.RunFinished(run.Id, 2, RunOutcome.Completed, null, Now));
        Assert.True(book.TrainingDone);
        Assert.Equal(CellStatus.Completed, run.Status);
    }

    [Fact]
    public void DispatchFailed_RequeuesUntilRepeatedFailuresCountAsAnAttempt()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1], RetriesPerRun = 0 });

        for (int i = 1; i < SweepBook.DispatchFailuresPerAttempt; i++)
        {
            book.DispatchFailed(Assert.Single(book.ClaimRuns(1)), "silo unavailable");
            Assert.Equal(CellStatus.Pending, book.State.Runs[0].Status);
        }

        book.DispatchFailed(Assert.Single(book.ClaimRuns(1)), "silo unavailable");

        Assert.Equal(CellStatus.Failed, book.State.Runs[0].Status);
        Assert.Contains("could not be dispatched 10 times", book.State.Cells[0].Error);
    }

    [Fact]
    public void RunFinished_FailedAttemptWithRetriesLeft_WaitsOutABackoffBeforeItIsClaimedAgain()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2], RetriesPerRun = 2 });
        var run = Assert.Single(book.ClaimRuns(1, Now));

        book.RunFinished(run.Id, 1, RunOutcome.Failed, "out of memory", Now);

        Assert.Equal(CellStatus.Pending, run.Status);
        Assert.InRange(run.RetryAfter!.Value - Now, TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1.25));
        Assert.Empty(book.ClaimRuns(1, Now));
        Assert.Equal(run.RetryAfter, book.NextRetry);
        Assert.Single(book.ClaimRuns(1, run.RetryAfter));
    }

    [Fact]
    public void RetryBackoff_GrowsExponentiallyWithJitterAndAMaximum()
    {
        var delays = Enumerable.Range(1, 10).Select(f => RetryBackoff.For("run", f).TotalSeconds).ToArray();

        Assert.InRange(delays[0], 0.75, 1.25);
        Assert.InRange(delays[3], 8 * 0.75, 8 * 1.25);
        Assert.All(delays, d => Assert.InRange(d, 0, 60 * 1.25));
        Assert.Equal(RetryBackoff.For("run", 3), RetryBackoff.For("run", 3)); // a pure function: resumes see the same
        Assert.NotEqual(RetryBackoff.For("run-a", 3), RetryBackoff.For("run-b", 3)); // runs failing together spread out
    }

    [Fact]
    public void Reopen_FailedSweep_RequeuesFailedAndCancelledWorkAndKeepsCompletedCells()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.01], BatchSizes = [8], Epochs = [2], RetriesPerRun = 0 });
        var runs = book.ClaimRuns(2, Now);
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.6));
        book.RecordEpoch(runs[0].Id, 1, Epoch(2, 0.7));
        book.RunFinished(runs[0].Id, 1, RunOutcome.Completed, null, Now);
        book.RunFinished(runs[1].Id, 1, RunOutcome.Failed, "diverged", Now);
        book.Fail(Now, "testing the winner failed");

        book.Reopen();

        Assert.Equal(SweepStatus.Running, book.State.Status);
        Assert.Null(book.State.Message);
        Assert.Equal(CellStatus.Completed, runs[0].Status);
        Assert.Equal(CellStatus.Pending, runs[1].Status);
        Assert.Equal(0, runs[1].Failures);
        Assert.Equal([CellStatus.Completed, CellStatus.Pending], book.State.Cells.Select(t => t.Status));
        Assert.All(book.State.Cells, t => Assert.Null(t.Error));
        Assert.Equal(runs[1].Id, Assert.Single(book.ClaimRuns(2, Now)).Id);
    }

    [Fact]
    public void Reopen_CompletedSweep_IsRefused()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });
        book.BeginTesting();
        book.Complete(Now, 0.5);

        Assert.Throws<InvalidOperationException>(book.Reopen);
    }

    [Fact]
    public void Restart_RunWhoseCheckpointWasDiscarded_ForgetsItsEpochsAndTakesThemAgain()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1, 3] });
        var run = Assert.Single(book.ClaimRuns(1, Now));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.6));
        book.RecordEpoch(run.Id, 1, Epoch(2, 0.7));
        book.RequeueLost(run);

        book.Restart(run);

        Assert.Equal(0, run.RecordedEpochs);
        Assert.All(book.State.Cells, t => Assert.Empty(t.Epochs));
        Assert.All(book.State.Cells, t => Assert.Equal(CellStatus.Pending, t.Status));
        Assert.Single(book.ClaimRuns(1, Now));
        Assert.NotEqual(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 2, Epoch(1, 0.6)));
    }

    [Fact]
    public void Dispatched_AttemptTheStateNeverHandedOut_IsNotCounted()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2] });
        var run = Assert.Single(book.ClaimRuns(1, Now));

        Assert.True(book.Dispatched(run.Id, 1));
        Assert.False(book.Dispatched(run.Id, 2));
        Assert.False(book.Dispatched("no-such-run", 1));
    }

    [Fact]
    public void Create_MintsANewIncarnationEverySweep_AndAssignmentsCarryIt()
    {
        var first = Book(new SweepSpec());
        var second = Book(new SweepSpec());
        var run = first.ClaimRuns(1, Now)[0];

        Assert.NotEqual(first.State.Incarnation, second.State.Incarnation);
        Assert.Equal(first.State.Incarnation, first.AssignmentFor("s", run).Incarnation);
    }

    [Fact]
    public void RunFinished_CompletedWithEpochsThisCoordinatorNeverRecorded_GoesBackToTheQueueWithoutUsingARetry()
    {
        // A coordinator whose silo died lost some reports; the next attempt replays them from the run's checkpoint.
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [3], RetriesPerRun = 0 });
        var run = Assert.Single(book.ClaimRuns(1, Now));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.6));

        book.RunFinished(run.Id, 1, RunOutcome.Completed, null, Now);

        Assert.Equal(CellStatus.Pending, run.Status);
        Assert.Equal(0, run.Failures);
        Assert.True(book.Missed(run.Id, 3));
        Assert.False(book.Missed(run.Id, 2));
    }

    [Fact]
    public void RunFinished_Diverged_FailsAtOnce_WithRetriesLeft()
    {
        var book = Book(new SweepSpec { RetriesPerRun = 3 });
        var run = Assert.Single(book.ClaimRuns(1, Now));

        book.RunFinished(run.Id, run.Attempts, RunOutcome.Diverged, "Training loss became NaN in epoch 2; try a smaller learning rate.", Now);

        Assert.Equal(CellStatus.Failed, run.Status);
        Assert.Equal(1, run.Failures);
        Assert.All(book.CellsOf(run), cell =>
        {
            Assert.Equal(CellStatus.Failed, cell.Status);
            Assert.Contains("not retried", cell.Error);
            Assert.Contains("smaller learning rate", cell.Error);
        });
        Assert.DoesNotContain(run, book.ClaimRuns(5, Now));
    }
}
