using GridSearch.Abstractions;
using GridSearch.TestSupport;

namespace GridSearch.Grains.Tests;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "three-silo cluster, one trainer";
}

[Collection(ClusterCollection.Name)]
public sealed class SweepCoordinatorTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static SweepSpec Spec(string root = "/data/good") => new()
    {
        LearningRates = [0.1, 0.01],
        BatchSizes = [8, 16],
        Epochs = [2, 3],
        DataRoot = root,
    };

    private ISweepCoordinatorGrain Coordinator(string id) => fixture.Client.GetGrain<ISweepCoordinatorGrain>(id);

    private Task<SweepSnapshot> WaitForAsync(string id, Func<SweepSnapshot, bool> condition, string expected) =>
        Eventually.WaitAsync(async () => (await Coordinator(id).GetSnapshotAsync())!, condition, Timeout, expected);

    [Fact]
    public async Task Sweep_ThreeSilosOneTrainer_EveryTrialRunsOnTheTrainerAndTheWinnerIsTested()
    {
        var started = await Coordinator("all-on-trainer").StartAsync(Spec());
        Assert.Equal(SweepStartOutcome.Started, started.Outcome);

        var sweep = await WaitForAsync("all-on-trainer", s => s.Status.IsFinal(), "the sweep to finish");

        Assert.Equal(SweepStatus.Completed, sweep.Status);
        Assert.Equal(8, sweep.Cells.Length);
        Assert.All(sweep.Cells, t => Assert.Equal(ClusterFixture.TrainerSilo, t.Silo));
        Assert.All(sweep.Cells, t => Assert.Equal(t.Parameters.Epochs, t.Epochs.Length));
        Assert.Equal(ScriptedRunTrainer.TestAccuracy, sweep.TestAccuracy);

        // The best is the maximum over all (trial, epoch) pairs; ties go to the earliest grid cell, then epoch.
        var expected = sweep.Cells.SelectMany((t, index) => t.Epochs.Select(e => (t.CellId, index, e.Epoch, e.ValidationAccuracy)))
            .OrderByDescending(x => x.ValidationAccuracy).ThenBy(x => x.index).ThenBy(x => x.Epoch).First();
        Assert.Equal((expected.CellId, expected.Epoch, expected.ValidationAccuracy),
            (sweep.Best!.CellId, sweep.Best.Epoch, sweep.Best.Value));
        var weights = await Coordinator("all-on-trainer").GetWinnerWeightsAsync();
        Assert.Equal([expected.Epoch, (float)sweep.Best.Parameters.LearningRate, sweep.Best.Parameters.BatchSize], weights!.Values);

        // Shared prefix: each (lr, batch size) trained once, to 3 epochs.
        Assert.Equal(4 * 3, sweep.Timings.EpochsTrained);
        Assert.Contains("all-on-trainer", await fixture.Client.GetGrain<ISweepRegistryGrain>(0).ListAsync());
    }

    [Fact]
    public async Task Status_WhileTheTrainerDecodesTheDataSet_SaysHowFarItIs()
    {
        var start = Coordinator("slow-decode").StartAsync(Spec("/data/slow-decode"));

        var pending = await WaitForAsync("slow-decode", s => s?.Decoding is not null, "decoding progress");

        Assert.Equal(SweepStatus.Pending, pending.Status);
        Assert.Equal(new DecodeProgress(3, 10), pending.Decoding);
        Assert.Contains("3 of 10 images (30 %)", pending.Message);
        fixture.TrainerRunner.SlowDecode.TrySetResult();
        Assert.Equal(SweepStartOutcome.Started, (await start).Outcome);
        Assert.Null((await Coordinator("slow-decode").GetSnapshotAsync())!.Decoding);
    }

    [Fact]
    public async Task Status_DuringTraining_AnswersWithoutWaitingOnTheRun()
    {
        using var release = new ManualResetEventSlim();
        fixture.TrainerRunner.BeforeEpoch = (assignment, epoch, token) =>
        {
            if (assignment.SweepId == "held" && epoch == 2)
            {
                release.Wait(token);
            }
        };
        try
        {
            await Coordinator("held").StartAsync(Spec() with { LearningRates = [0.1], BatchSizes = [8], Epochs = [3] });

            var during = await WaitForAsync("held", s => s.Cells[0].Epochs.Length == 1, "one epoch recorded while epoch 2 is held");
            Assert.Equal(SweepStatus.Running, during.Status);
            Assert.Equal(CellStatus.Running, during.Cells[0].Status);

            release.Set();
            var done = await WaitForAsync("held", s => s.Status.IsFinal(), "the sweep to finish after release");
            Assert.Equal(SweepStatus.Completed, done.Status);
        }
        finally
        {
            fixture.TrainerRunner.BeforeEpoch = null;
        }
    }

    /// <summary>
    /// The coordinator's part of a cancel: every cell final at once and the running run's token fired, so it trains no
    /// further epoch. That the real trainers then stop at the next batch is StopBetweenBatchesTests' to show.
    /// </summary>
    [Fact]
    public async Task Cancel_RunningSweep_EndsEveryCellAndStopsTheHeldRunBeforeItsNextEpoch()
    {
        var blocked = new TaskCompletionSource();
        fixture.TrainerRunner.BeforeEpoch = (assignment, epoch, token) =>
        {
            if (assignment.SweepId == "to-cancel" && epoch == 2)
            {
                blocked.TrySetResult();
                token.WaitHandle.WaitOne(); // holds until cancelled
            }
        };
        try
        {
            await Coordinator("to-cancel").StartAsync(Spec() with { MaxConcurrent = 1, SharedPrefix = false });
            await blocked.Task.WaitAsync(Timeout, TestContext.Current.CancellationToken);

            var cancelled = await Coordinator("to-cancel").CancelAsync();

            Assert.Equal(SweepStatus.Cancelled, cancelled!.Status);
            Assert.All(cancelled.Cells, t => Assert.True(t.Status.IsFinal()));
            Assert.DoesNotContain(cancelled.Cells, t => t.Status == CellStatus.Running);
            await Eventually.WaitAsync(() => fixture.TrainerRunner.ActiveRuns.GetValueOrDefault("to-cancel") == 0,
                Timeout, "the held run to stop");
            Assert.DoesNotContain(fixture.TrainerRunner.TrainedEpochs, e => e.SweepId == "to-cancel" && e.Epoch >= 2);
            Assert.Null(cancelled.TestAccuracy);
        }
        finally
        {
            fixture.TrainerRunner.BeforeEpoch = null;
        }
    }

    [Fact]
    public async Task Start_FailingAttempt_IsRetriedAndTheSweepCompletes()
    {
        int failures = 0;
        fixture.TrainerRunner.BeforeEpoch = (assignment, epoch, _) =>
        {
            if (assignment.SweepId == "retried" && assignment.Attempt == 1 && epoch == 2 && Interlocked.Increment(ref failures) == 1)
            {
                throw new InvalidOperationException("simulated out of memory");
            }
        };
        try
        {
            await Coordinator("retried").StartAsync(Spec() with { LearningRates = [0.1], BatchSizes = [8], Epochs = [3], RetriesPerRun = 1 });

            var sweep = await WaitForAsync("retried", s => s.Status.IsFinal(), "the sweep to finish");

            Assert.Equal(SweepStatus.Completed, sweep.Status);
            Assert.Equal(2, sweep.Cells[0].Attempts);
            Assert.Equal([1, 2, 3], sweep.Cells[0].Epochs.Select(e => e.Epoch));
            Assert.Equal(3, sweep.Timings.EpochsTrained); // epoch 1 was checkpointed, not trained again
        }
        finally
        {
            fixture.TrainerRunner.BeforeEpoch = null;
        }
    }

    [Fact]
    public async Task Start_EveryTrialFails_SweepEndsFailedWithTheError()
    {
        fixture.TrainerRunner.BeforeEpoch = (assignment, _, _) =>
        {
            if (assignment.SweepId == "all-fail")
            {
                throw new InvalidOperationException("loss became NaN");
            }
        };
        try
        {
            await Coordinator("all-fail").StartAsync(Spec() with { RetriesPerRun = 0 });

            var sweep = await WaitForAsync("all-fail", s => s.Status.IsFinal(), "the sweep to finish");

            Assert.Equal(SweepStatus.Failed, sweep.Status);
            Assert.Contains("All 8 cells failed", sweep.Message);
            Assert.Contains("loss became NaN", sweep.Message);
            Assert.All(sweep.Cells, t => Assert.Equal(CellStatus.Failed, t.Status));
        }
        finally
        {
            fixture.TrainerRunner.BeforeEpoch = null;
        }
    }

    [Fact]
    public async Task Start_InvalidSpec_ReportsEveryProblemAndStoresNothing()
    {
        var result = await Coordinator("invalid").StartAsync(Spec() with { LearningRates = [-1], Epochs = [0] });

        Assert.Equal(SweepStartOutcome.Invalid, result.Outcome);
        Assert.Equal(2, result.Problems.Length);
        Assert.Null(await Coordinator("invalid").GetSnapshotAsync());
    }

    [Fact]
    public async Task Start_BadDataRoot_IsInvalidWithTheTrainersMessage()
    {
        var result = await Coordinator("bad-data").StartAsync(Spec("/data/missing"));

        Assert.Equal(SweepStartOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Problems, p => p.Contains("/data/missing") && p.Contains("does not exist"));
        Assert.Null(await Coordinator("bad-data").GetSnapshotAsync());
    }

    [Fact]
    public async Task Start_BatchLargerThanTrainingSplit_IsInvalid()
    {
        var result = await Coordinator("big-batch").StartAsync(Spec() with { BatchSizes = [81] });

        Assert.Equal(SweepStartOutcome.Invalid, result.Outcome);
        Assert.Contains(result.Problems, p => p.Contains("larger than the training split (80 images)"));
    }

    [Fact]
    public async Task WinnerTest_FailsOnce_IsRetriedAndTheSweepCompletes()
    {
        fixture.TrainerRunner.TestFailures["/data/flaky-test"] = 1;
        var spec = Spec("/data/flaky-test") with { LearningRates = [0.1], BatchSizes = [8], Epochs = [1], RetriesPerRun = 1 };

        Assert.Equal(SweepStartOutcome.Started, (await Coordinator("flaky-test").StartAsync(spec)).Outcome);
        var sweep = await WaitForAsync("flaky-test", s => s.Status.IsFinal(), "the sweep to finish");

        Assert.Equal(SweepStatus.Completed, sweep.Status);
        Assert.Equal(ScriptedRunTrainer.TestAccuracy, sweep.TestAccuracy);
        Assert.Equal(0, fixture.TrainerRunner.TestFailures["/data/flaky-test"]);
    }

    [Fact]
    public async Task WinnerTest_FailsEveryTime_FailsTheSweepAfterItsRetriesSayingWhy()
    {
        fixture.TrainerRunner.TestFailures["/data/broken-test"] = 5;
        var spec = Spec("/data/broken-test") with { LearningRates = [0.1], BatchSizes = [8], Epochs = [1], RetriesPerRun = 1 };

        Assert.Equal(SweepStartOutcome.Started, (await Coordinator("broken-test").StartAsync(spec)).Outcome);
        var sweep = await WaitForAsync("broken-test", s => s.Status.IsFinal(), "the sweep to finish");

        Assert.Equal(SweepStatus.Failed, sweep.Status);
        Assert.Contains("testing the winner failed after 2 attempt(s): the scripted test evaluation failed", sweep.Message);
        Assert.Equal(3, fixture.TrainerRunner.TestFailures["/data/broken-test"]);
    }

    [Fact]
    public async Task Start_SameIdTwice_RefusesTheSecond()
    {
        await Coordinator("twice").StartAsync(Spec() with { LearningRates = [0.1], BatchSizes = [8], Epochs = [1] });

        var second = await Coordinator("twice").StartAsync(Spec());

        Assert.Equal(SweepStartOutcome.AlreadyExists, second.Outcome);
        Assert.Contains("already exists", second.Problems[0]);
    }
}

public sealed class NoTrainerTests : IClassFixture<NoTrainerClusterFixture>
{
    private readonly NoTrainerClusterFixture _fixture;

    public NoTrainerTests(NoTrainerClusterFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Start_NoTrainerSilo_FailsWithAClearMessage()
    {
        var result = await _fixture.Client.GetGrain<ISweepCoordinatorGrain>("nowhere").StartAsync(new SweepSpec { DataRoot = "/data" });

        Assert.Equal(SweepStartOutcome.NoTrainer, result.Outcome);
        Assert.Contains("no trainer silo is active", result.Problems[0]);
        Assert.Null(await _fixture.Client.GetGrain<ISweepCoordinatorGrain>("nowhere").GetSnapshotAsync());
    }
}
