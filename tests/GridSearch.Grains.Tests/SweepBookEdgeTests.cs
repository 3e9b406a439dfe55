using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;

namespace GridSearch.Grains.Tests;

/// <summary>
/// The sweep book's bookkeeping at its edges: reports about runs it does not know, the stop list handed out once, the
/// earliest retry, timings, the trainer's name, messages of finished and waiting sweeps, and fused groups claimed as
/// one unit. Written against the mutants Stryker left alive in SweepBook.
/// </summary>
public sealed class SweepBookEdgeTests
{
    private static readonly DatasetSummary Dataset = new("/data", ["a", "b"], 100, 80, 10, 10, [], 0.25, false);
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SweepBook Book(SweepSpec spec, DatasetSummary? dataset = null, string? incarnation = null) =>
        new(SweepCreation.Create(spec with { DataRoot = "/data" }, dataset ?? Dataset, Now, incarnation));

    private static EpochMetrics Epoch(int epoch, double accuracy, double seconds = 0.1) => new(epoch, 0.5, accuracy, seconds, 1000);

    [Fact]
    public void ReportsAndQuestionsAboutARunTheBookDoesNotKnow_AreIgnored()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2] });
        book.ClaimRuns(1);

        Assert.Equal(EpochRecordOutcome.Ignored, book.RecordEpoch("lr9-bs8-ep2", 1, Epoch(1, 0.9)));
        Assert.False(book.RunFinished("lr9-bs8-ep2", 1, RunOutcome.Completed, null));
        Assert.False(book.Missed("lr9-bs8-ep2", 5));
        Assert.False(book.Dispatched("lr9-bs8-ep2", 1));
        Assert.Null(book.State.Best);
    }

    [Fact]
    public void RecordEpoch_SkippingAnEpoch_IsIgnored_AndMissedSaysSo()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [3] });
        var run = Assert.Single(book.ClaimRuns(1));

        Assert.Equal(EpochRecordOutcome.Ignored, book.RecordEpoch(run.Id, 1, Epoch(2, 0.9)));
        Assert.True(book.Missed(run.Id, 2 + 1));
        Assert.False(book.Missed(run.Id, 1));
        Assert.Equal(EpochRecordOutcome.RecordedNewBest, book.RecordEpoch(run.Id, 1, Epoch(1, 0.6)));
        Assert.Equal(EpochRecordOutcome.Recorded, book.RecordEpoch(run.Id, 1, Epoch(2, 0.5)));
        Assert.True(book.AnyEpochRecorded);
    }

    [Fact]
    public void TakeRunsToStop_HandsEachStoppedRunOutOnce()
    {
        var book = Book(new SweepSpec
        {
            LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [4],
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Asha, ReductionFactor = 2 },
        });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[1].Id, 1, Epoch(1, 0.9));
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.1)); // below the better half at rung 1

        Assert.Equal([runs[0].Id], book.TakeRunsToStop());
        Assert.Empty(book.TakeRunsToStop());
    }

    [Fact]
    public void NextRetry_IsTheEarliestBackoffAmongTheRunsWaitingOne()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2, 0.3], BatchSizes = [8], Epochs = [1], RetriesPerRun = 2 });
        var runs = book.ClaimRuns(3, Now);
        Assert.Null(book.NextRetry);

        book.RunFinished(runs[0].Id, 1, RunOutcome.Failed, "boom", Now.AddSeconds(30));
        book.RunFinished(runs[1].Id, 1, RunOutcome.Failed, "boom", Now);
        book.RunFinished(runs[2].Id, 1, RunOutcome.Cancelled, null, Now); // pending, but waits out no backoff

        Assert.Equal(runs[1].RetryAfter, book.NextRetry);
        Assert.True(runs[1].RetryAfter < runs[0].RetryAfter);
        Assert.Null(runs[2].RetryAfter);
    }

    [Fact]
    public void Snapshot_Timings_SumTheTrainedEpochs_AndCarryTheDataSetsLoadTime()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [2] });
        book.CountTrainedEpoch(Epoch(1, 0.5, seconds: 1.5));
        book.CountTrainedEpoch(Epoch(2, 0.5, seconds: 2.25));

        var timings = book.Snapshot("s", 10).Timings;

        Assert.Equal(3.75, timings.TrainSeconds, 12);
        Assert.Equal(2, timings.EpochsTrained);
        Assert.Equal(0.25, timings.DecodeSeconds);
        Assert.Equal(10, timings.TotalSeconds);
    }

    [Fact]
    public void RunFinished_WithoutATrainerName_KeepsTheSiloTheStartAnswerNamed()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });
        var run = Assert.Single(book.ClaimRuns(1));
        run.Silo = "trainer-a";
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.9));

        Assert.True(book.RunFinished(run.Id, 1, RunOutcome.Completed, null));

        Assert.Equal("trainer-a", Assert.Single(book.Snapshot("s", 1).Cells).Silo);
    }

    [Fact]
    public void RunFinished_CompletedShortOfItsEpochs_SaysHowManyWereRecorded()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [3] });
        var run = Assert.Single(book.ClaimRuns(1));
        book.RecordEpoch(run.Id, 1, Epoch(1, 0.9));

        book.RunFinished(run.Id, 1, RunOutcome.Completed, null);

        Assert.Equal(CellStatus.Pending, run.Status);
        Assert.Equal("the run ended after 1 of 3 epochs were recorded", run.Error);
        Assert.Equal(1, run.DispatchFailures);
    }

    [Fact]
    public void RunFinished_AtTheRungItWasSentTo_WaitsThere_ButShortOfTheRungIsADispatchFailure()
    {
        var book = Book(new SweepSpec
        {
            LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [4],
            Scheduler = new SchedulerSpec { Name = SchedulerNames.Halving, ReductionFactor = 2, MinEpochs = 2 },
        });
        var runs = book.ClaimRuns(2);
        Assert.All(runs, r => Assert.Equal(2, r.AssignedEpochs));
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.5));
        book.RecordEpoch(runs[0].Id, 1, Epoch(2, 0.5));
        book.RecordEpoch(runs[1].Id, 1, Epoch(1, 0.5));

        book.RunFinished(runs[0].Id, 1, RunOutcome.Completed, null);
        book.RunFinished(runs[1].Id, 1, RunOutcome.Completed, null);

        Assert.Equal((CellStatus.Pending, 0, null), (runs[0].Status, runs[0].DispatchFailures, runs[0].Error));
        Assert.Equal((CellStatus.Pending, 1), (runs[1].Status, runs[1].DispatchFailures));
        Assert.Equal("the run ended after 1 of 4 epochs were recorded", runs[1].Error);
        Assert.Equal([runs[1].Id], book.ClaimRuns(2).Select(r => r.Id)); // the first waits at its rung for the second
    }

    [Fact]
    public void Complete_SaysHowManyCellsFailed_AndNothingWhenNoneDid()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [1], RetriesPerRun = 0 });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.9));
        book.RunFinished(runs[0].Id, 1, RunOutcome.Completed, null);
        book.RunFinished(runs[1].Id, 1, RunOutcome.Failed, "out of memory");
        var clean = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });

        book.BeginTesting();
        book.Complete(Now, 0.75);
        clean.BeginTesting();
        clean.Complete(Now, 0.5);

        Assert.Equal("1 of 2 cells failed; the winner is the best of the rest.", book.State.Message);
        Assert.Null(clean.State.Message);
        Assert.Equal(0.75, book.State.TestAccuracy);
    }

    [Fact]
    public void AllFailedMessage_NamesTheFirstRunWithAnError()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2], BatchSizes = [8], Epochs = [1], RetriesPerRun = 0 });
        var runs = book.ClaimRuns(2);
        book.RunFinished(runs[1].Id, 1, RunOutcome.Failed, "second");
        book.RunFinished(runs[0].Id, 1, RunOutcome.Failed, "first");

        Assert.Equal($"All 2 cells failed; no epoch finished. First error ({runs[0].Id}): first", book.AllFailedMessage());
    }

    [Fact]
    public void Snapshot_WhileWaitingForTrainers_SaysSo_ButAFinishedSweepKeepsItsOwnMessage()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });
        book.State.WaitingForTrainersSince = Now;

        var waiting = book.Snapshot("s", 1);
        book.Cancel(Now, "cancelled by the user");
        var cancelled = book.Snapshot("s", 1);

        Assert.Equal(SweepBook.WaitingMessage, waiting.Message);
        Assert.Equal(Now, waiting.WaitingForTrainersSince);
        Assert.Equal("cancelled by the user", cancelled.Message);
        Assert.Null(cancelled.WaitingForTrainersSince);
        Assert.Null(Book(new SweepSpec { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] }).Snapshot("s", 1).Message);
    }

    [Fact]
    public void Cancel_EndsUnfinishedRunsAsCancelled_AndKeepsCompletedOnes()
    {
        var book = Book(new SweepSpec { LearningRates = [0.1, 0.2, 0.3], BatchSizes = [8], Epochs = [1] });
        var runs = book.ClaimRuns(2);
        book.RecordEpoch(runs[0].Id, 1, Epoch(1, 0.9));
        book.RunFinished(runs[0].Id, 1, RunOutcome.Completed, null);

        var running = book.Cancel(Now, "stop");

        Assert.Equal([runs[1].Id], running.Select(r => r.Id));
        Assert.Equal([CellStatus.Completed, CellStatus.Cancelled, CellStatus.Cancelled], book.State.Runs.Select(r => r.Status));
        Assert.False(book.RunFinished(runs[1].Id, 1, RunOutcome.Cancelled, null)); // its trainer's answer changes nothing
    }

    [Fact]
    public void Create_KeepsAGivenIncarnation()
    {
        Assert.Equal("resumed-incarnation", Book(new SweepSpec(), incarnation: "resumed-incarnation").State.Incarnation);
        Assert.Matches("^[0-9a-f]{32}$", Book(new SweepSpec()).State.Incarnation);
    }

    [Fact]
    public void ClaimWork_AGroupOutOnATrainer_IsNotClaimedAgain_AndSnapshotsNameEachRunsGroup()
    {
        var book = new SweepBook(FusedGroupsTests.Create(new SweepSpec
        {
            LearningRates = [0.1, 0.2, 0.3], BatchSizes = [8, 16], Epochs = [1], RetriesPerRun = 0, FusedGroupSize = 16, DataRoot = "/data",
        }, new TrainerCapabilities(FusedTraining: true), Dataset, Now));
        Assert.Equal(2, book.State.Groups.Count);

        var first = Assert.Single(book.ClaimWork(1));
        Assert.Equal(3, first.Runs.Count);
        book.RunFinished(first.Runs[0].Id, 1, RunOutcome.Failed, "one lane failed"); // the other two still train
        var second = Assert.Single(book.ClaimWork(5)); // only the other group: this one still has lanes out

        Assert.NotEqual(first.Group!.Id, second.Group!.Id);
        Assert.Empty(book.ClaimWork(5));
        var cells = book.Snapshot("s", 1).Cells;
        Assert.All(cells, c => Assert.NotNull(c.FusedGroup));
        Assert.Equal(2, cells.Select(c => c.FusedGroup).Distinct().Count());
    }
}
