using GridSearch.Abstractions;

namespace GridSearch.Coordinator;

// Watching over an unfinished sweep: reconciling running runs with their trainers, the restart reminder.
public sealed partial class SweepCoordinatorGrain
{
    public Task ReceiveReminder(string reminderName, TickStatus status) => Unfinished ? ReconcileAsync() : ForgetReminderAsync();

    /// <summary>
    /// Puts runs whose trainer no longer has them back in the queue (they resume from their checkpoints on any
    /// trainer), restarts a lost test evaluation, and dispatches. Safe to call at any time: a run that is still
    /// alive is left alone, and one whose silo cannot be asked right now is asked again next time.
    /// </summary>
    private async Task ReconcileAsync()
    {
        if (!Unfinished)
        {
            return;
        }

        _activeSince ??= clock.GetUtcNow();
        var book = Book;
        // Asked all at once; a run whose start request is still unanswered is not asked (it may not be queued yet).
        var running = sweep.State.Runs
            .Where(r => r.Status == CellStatus.Running && !_starting.ContainsKey((r.Id, r.Attempts)))
            .Select(run => (Run: run, Attempt: run.Attempts, Alive: IsStillRunningAsync(run)))
            .ToList();
        foreach (var (run, attempt, alive) in running)
        {
            if (!await alive && run.Status == CellStatus.Running && run.Attempts == attempt)
            {
                LogRequeued(SweepId, run.Id, run.Attempts, run.Silo);
                book.RequeueLost(run);
            }
        }

        if (sweep.State.Status == SweepStatus.Testing)
        {
            bool testing;
            try
            {
                testing = await grains.GetGrain<IWinnerTestGrain>(SweepId).IsRunningAsync();
            }
            catch (Exception error)
            {
                LogUnreachable(SweepId, "test", error);
                testing = true;
            }

            if (!testing)
            {
                sweep.State.MoveTo(SweepStatus.Running);
            }
        }

        await DispatchAsync();
    }

    /// <summary>Whether the run's trainer still has it; true when the trainer cannot be asked now (asked again later).</summary>
    private async Task<bool> IsStillRunningAsync(RunRecord run)
    {
        try
        {
            return await IsRunningOnTrainerAsync(run);
        }
        catch (Exception error)
        {
            LogUnreachable(SweepId, run.Id, error);
            return true;
        }
    }

    private void StartWatching()
    {
        _activeSince ??= clock.GetUtcNow();
        _reconcileTimer ??= this.RegisterGrainTimer(_ => ReconcileAsync(), options.Value.ReconcileInterval, options.Value.ReconcileInterval);
    }

    private async Task FinishedAsync()
    {
        LogFinished(SweepId, sweep.State.Status);
        _reconcileTimer?.Dispose();
        _reconcileTimer = null;
        await ForgetReminderAsync();
    }

    private async Task RegisterReminderAsync()
    {
        if (options.Value.ReminderPeriod is { } period)
        {
            await this.RegisterOrUpdateReminder(ReminderName, period, period);
        }
    }

    private async Task ForgetReminderAsync()
    {
        if (options.Value.ReminderPeriod is not null && await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
