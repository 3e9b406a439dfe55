using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// How runs end: completed, failed and retried with backoff, cancelled, requeued after a lost trainer or a failed
// dispatch, reopened with their sweep, or restarted from their first epoch.
public sealed partial class SweepBook
{
    /// <summary>Puts a run whose trainer no longer has it back in the queue; it resumes from its checkpoint.</summary>
    public void RequeueLost(RunRecord run)
    {
        if (run.Status == CellStatus.Running)
        {
            Requeue(run);
        }
    }

    /// <summary>
    /// Applies the end of a run; stale reports (an older attempt) change nothing. <paramref name="queuedSeconds"/> is
    /// how long the run waited in its trainer's queue, which is not part of its wall time; <paramref name="trainer"/>
    /// names the silo that ran it.
    /// </summary>
    public bool RunFinished(string runId, int attempt, RunOutcome outcome, string? error, DateTimeOffset? now = null, double queuedSeconds = 0,
        string? trainer = null)
    {
        var run = state.FindRun(runId);
        if (run is null || run.Status != CellStatus.Running || run.Attempts != attempt)
        {
            return false;
        }

        // The trainer says where the attempt ran: results name the silo even when the start request's answer, which
        // also says so, was lost or came too late (seen after a trainer was killed mid-sweep).
        run.Silo = trainer ?? run.Silo;
        run.FinishedAt = now;
        run.QueuedSeconds = queuedSeconds;
        switch (outcome)
        {
            case RunOutcome.Completed when run.RecordedEpochs >= run.Epochs:
                run.MoveTo(CellStatus.Completed);
                break;
            case RunOutcome.Completed when run.AssignedEpochs > 0 && run.RecordedEpochs >= run.AssignedEpochs:
                // It reached the rung it was sent to: it waits there for the scheduler, then goes on from its checkpoint.
                Requeue(run);
                break;
            case RunOutcome.Completed:
                // Reports this coordinator never received (its silo died meanwhile): the next attempt replays them
                // from the run's checkpoint. Only if that keeps happening does it count as a failed attempt.
                DispatchFailed(run, $"the run ended after {run.RecordedEpochs} of {run.Epochs} epochs were recorded");
                break;
            case RunOutcome.Failed:
                FailOrRetry(run, error ?? "unknown error", now);
                break;
            case RunOutcome.Diverged:
                // Deterministic: a retry would diverge at the same step.
                run.Failures++;
                run.Error = error;
                FailRun(run, $"diverged, not retried (training is deterministic: a retry diverges again): {error}");
                break;
            case RunOutcome.Cancelled when state.Status == SweepStatus.Cancelled:
                CancelRun(run);
                break;
            case RunOutcome.Cancelled:
                // Cancelled by its silo (shutting down), not by the user: run it again, from its checkpoint.
                Requeue(run);
                break;
            case RunOutcome.ReportsLost:
                // The trainer could not reach this coordinator for a while: not the run's fault.
                Requeue(run);
                break;
        }

        ApplyScheduler();
        return true;
    }

    /// <summary>Dispatch failures tolerated per run before they count as a failed attempt.</summary>
    public const int DispatchFailuresPerAttempt = 10;

    /// <summary>
    /// A run that could not be handed to a trainer (its silo died and the cluster has not noticed yet, say) goes
    /// back to the queue for the next dispatch; only repeated failures count as a failed attempt.
    /// </summary>
    public void DispatchFailed(RunRecord run, string error)
    {
        run.DispatchFailures++;
        run.Error = error;
        if (run.DispatchFailures % DispatchFailuresPerAttempt != 0)
        {
            Requeue(run);
            return;
        }

        FailOrRetry(run, $"could not be dispatched {run.DispatchFailures} times: {error}", now: null);
    }

    // A retry waits out a backoff (when the time is known), so a transient fault has time to pass.
    private void FailOrRetry(RunRecord run, string error, DateTimeOffset? now)
    {
        run.Failures++;
        run.Error = error;
        if (run.Failures <= Spec.RetriesPerRun)
        {
            Requeue(run);
            run.RetryAfter = now + RetryBackoff.For(run.Id, run.Failures);
            return;
        }

        FailRun(run, $"failed after {run.Failures} attempt(s): {error}");
    }

    /// <summary>Ends a run as failed, and its cells still open with <paramref name="cellError"/>.</summary>
    private void FailRun(RunRecord run, string cellError)
    {
        run.MoveTo(CellStatus.Failed);
        foreach (var cell in CellsOf(run).Where(c => !c.Status.IsFinal()))
        {
            cell.Error = cellError;
            cell.MoveTo(CellStatus.Failed);
        }

        ApplyScheduler(); // a rung may have waited for this run's cells only
    }

    private void Requeue(RunRecord run)
    {
        run.MoveTo(CellStatus.Pending);
        foreach (var cell in CellsOf(run).Where(c => c.Status == CellStatus.Running))
        {
            cell.MoveTo(CellStatus.Pending);
        }
    }

    private void CancelRun(RunRecord run)
    {
        if (!run.Status.IsFinal())
        {
            run.MoveTo(CellStatus.Cancelled);
        }

        foreach (var cell in CellsOf(run).Where(c => !c.Status.IsFinal()))
        {
            cell.MoveTo(CellStatus.Cancelled);
        }
    }

    /// <summary>
    /// Opens a Failed or Cancelled sweep again: its failed and cancelled runs (and cells) go back to the queue with
    /// fresh retry budgets and resume from their checkpoints; completed runs and cells are kept. Like Ray Tune's
    /// <c>restore(restart_errored=True)</c>.
    /// </summary>
    public void Reopen()
    {
        state.Reopen();
        state.Message = null;
        state.FinishedAt = null;
        state.TestAccuracy = null;
        state.TestConfusion = null;
        state.TestMetrics = null;
        state.BudgetSpent = null; // checked again at the next dispatch: a spent budget cancels the reopened cells again
        state.TestFailures = 0;
        state.TestRetryAfter = null;
        foreach (var run in state.Runs.Where(r => r.Status is CellStatus.Failed or CellStatus.Cancelled))
        {
            run.Reopen();
            run.Failures = 0;
            run.DispatchFailures = 0;
            run.Error = null;
            run.RetryAfter = null;
        }

        foreach (var cell in state.Cells.Where(c => c.Status is CellStatus.Failed or CellStatus.Cancelled))
        {
            cell.Reopen();
            cell.Error = null;
        }
    }

    /// <summary>
    /// A run whose checkpoint was discarded (damaged) trains again from its first epoch: its recorded epochs are
    /// forgotten, and its cells wait for them again. Training is deterministic, so the numbers come back the same.
    /// </summary>
    public void Restart(RunRecord run)
    {
        if (run.Status is CellStatus.Completed or CellStatus.Stopped)
        {
            return;
        }

        run.RecordedEpochs = 0;
        foreach (var cell in CellsOf(run))
        {
            cell.Epochs.Clear();
            if (cell.Status == CellStatus.Completed)
            {
                cell.Reopen();
            }
        }
    }
}
