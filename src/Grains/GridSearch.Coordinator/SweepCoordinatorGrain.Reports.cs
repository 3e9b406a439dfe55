using GridSearch.Grains.Diagnostics;
using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// What trainer slots report: epochs, finished runs, the winner's test.
public sealed partial class SweepCoordinatorGrain
{
    public async Task RecordEpochAsync(string runId, int attempt, EpochMetrics metrics, float[] weights, bool replayed)
    {
        if (!Exists)
        {
            return;
        }

        int decided = sweep.State.DecidedRungs.Count;
        var outcome = Book.RecordEpoch(runId, attempt, metrics);
        bool slotsFreed = StopEndedRuns();
        // A trained epoch counts once. Not here when this coordinator's state lags behind a failover (an attempt it
        // never dispatched, or an epoch after one it never heard of): the run's checkpoint holds it and replays it,
        // and it is counted then. Replayed epochs count only when they were still missing.
        if (replayed ? outcome != EpochRecordOutcome.Ignored
                     : Book.Dispatched(runId, attempt) && (outcome != EpochRecordOutcome.Ignored || !Book.Missed(runId, metrics.Epoch)))
        {
            Book.CountTrainedEpoch(metrics);
        }

        // A spent budget ends training at once: the runs still out are stopped, and the sweep finishes.
        bool budgetSpent = Book.SpendBudgetIfDue(ActiveSeconds);
        if (budgetSpent)
        {
            StopEndedRuns();
            slotsFreed = true;
        }

        if (outcome == EpochRecordOutcome.Ignored)
        {
            if (budgetSpent)
            {
                await SaveAsync();
                await DispatchAsync();
            }
            else if (!replayed)
            {
                await SaveSoonAsync();
            }

            return;
        }

        // The winner's weights are written at once and before the state that names it, so the named best always
        // has weights, even after a crash.
        if (outcome == EpochRecordOutcome.RecordedNewBest)
        {
            // A user's program keeps its weights in its run folder: the winner is its (cell, epoch) alone.
            if (weights.Length == 0 && sweep.State.Spec?.Program is null)
            {
                LogReplayedBestWithoutWeights(SweepId, runId, metrics.Epoch);
            }
            else
            {
                winner.State = new WinnerState { Best = sweep.State.Best, Weights = weights, Incarnation = sweep.State.Incarnation };
                await winner.WriteStateAsync();
            }
        }

        await SaveAfterDecisionsAsync(decided);
        if (slotsFreed)
        {
            await DispatchAsync(); // the scheduler's stops freed slots: fill them now, not when the next run ends
        }
    }

    /// <summary>
    /// Saves at once when the scheduler has just decided a rung (before any run is sent past it), else soon. A
    /// restarted coordinator then never holds a run at a rung its checkpoint has already trained past.
    /// </summary>
    private Task SaveAfterDecisionsAsync(int decidedBefore) =>
        sweep.State.DecidedRungs.Count > decidedBefore ? SaveAsync() : SaveSoonAsync();

    public async Task RecordFinalEpochAsync(string runId, int attempt, EpochMetrics metrics, float[] weights, double queuedSeconds,
        TrainerLocation? trainer = null)
    {
        await RecordEpochAsync(runId, attempt, metrics, weights, replayed: false);
        await RunFinishedAsync(runId, attempt, RunOutcome.Completed, error: null, queuedSeconds, trainer);
    }

    public async Task RunFinishedAsync(string runId, int attempt, RunOutcome outcome, string? error, double queuedSeconds,
        TrainerLocation? trainer = null)
    {
        int decided = sweep.State.DecidedRungs.Count;
        if (!Exists || !Book.RunFinished(runId, attempt, outcome, error, clock.GetUtcNow(), queuedSeconds, trainer?.Name))
        {
            return;
        }

        if (outcome == RunOutcome.Cancelled && sweep.State.Status != SweepStatus.Cancelled)
        {
            // Stopped by its silo, which is shutting down: the run resumes elsewhere, and nothing more goes there.
            StopSendingTo(sweep.State.FindRun(runId)!.SiloAddress);
        }

        if (outcome is RunOutcome.Failed or RunOutcome.Diverged)
        {
            LogRunFailed(SweepId, runId, attempt, error);
        }

        StopEndedRuns();

        await SaveAfterDecisionsAsync(decided);
        holds.Reach("run-finished");
        await DispatchAsync();
    }

    /// <summary>
    /// Tells the trainers of runs the scheduler ended to stop them, without waiting: their remaining reports are
    /// ignored, and a trainer that cannot be reached stops them anyway when they next report.
    /// </summary>
    private bool StopEndedRuns()
    {
        var ended = Book.TakeRunsToStop();
        foreach (string runId in ended)
        {
            LogRunStopped(SweepId, runId);
            _ = CancelOnTrainerAsync(sweep.State.FindRun(runId)!)
                .ContinueWith(t => LogCancelFailed(SweepId, runId, t.Exception!), TaskContinuationOptions.OnlyOnFaulted);
        }

        return ended.Count > 0;
    }

    public Task RecordProgramTestAsync(Dictionary<string, double>? metrics, string? error) =>
        TestEndedAsync(metrics is null ? null
                : new TestOutcome(metrics.TryGetValue(TestAccuracyMetric, out double accuracy) && accuracy is >= 0 and <= 1 ? accuracy : null, null, metrics),
            error ?? "the test command gave no result");

    /// <summary>A test command's metric that also fills the sweep's test accuracy (when it is a fraction), as the built-in models' test does.</summary>
    private const string TestAccuracyMetric = "test_accuracy";

    public Task RecordTestResultAsync(double? accuracy, string? error, long[]? confusion = null) =>
        TestEndedAsync(accuracy is { } value ? new TestOutcome(value, confusion, null) : null, error);

    /// <summary>What a successful test of the winner gave: the built-in models' accuracy and confusion, or a test command's metrics.</summary>
    private sealed record TestOutcome(double? Accuracy, long[]? Confusion, Dictionary<string, double>? Metrics);

    // passed: null when the test failed, with the error.
    private async Task TestEndedAsync(TestOutcome? passed, string? error)
    {
        if (!Exists || sweep.State.Status != SweepStatus.Testing)
        {
            return;
        }

        if (passed is null)
        {
            await TestFailedAsync(error);
            await SaveAsync();
            if (sweep.State.Status.IsFinal())
            {
                await FinishedAsync();
            }

            return;
        }

        // A short run can end (and the winner be tested) before its trainer's answer to the start arrives: wait for those
        // answers, so the finished sweep says which silo trained every cell.
        await StartsAnswered();
        CloseActivePeriod();
        Book.Complete(clock.GetUtcNow(), passed.Accuracy, passed.Confusion, passed.Metrics);
        await SaveAsync();
        await FinishedAsync();
        await ClearCheckpointsAsync();
    }
}
