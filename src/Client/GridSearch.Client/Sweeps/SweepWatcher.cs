using GridSearch.Abstractions;
using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Follows a sweep until it ends: a live view on a terminal, each new epoch with --verbose, otherwise each finished
/// cell (or each percent of a large sweep), with failures and the best so far. The first Ctrl+C asks the coordinator
/// to cancel; the watcher then waits for the sweep to stop cleanly.
/// </summary>
public sealed class SweepWatcher(ISweepCoordinatorGrain coordinator, CliOutput output, SweepSnapshot? alreadyShown = null)
{
    // Each poll fetches the whole sweep: poll large sweeps less often, so watching never competes with training.
    private static TimeSpan PollInterval(SweepSnapshot sweep) => TimeSpan.FromMilliseconds(Math.Clamp(sweep.Cells.Length / 2, 200, 2000));

    // A resumed sweep prints only what is new; the epochs recorded before were summarised when it resumed.
    private readonly Dictionary<string, int> _epochsShown =
        alreadyShown?.Cells.ToDictionary(t => t.CellId, t => t.Epochs.Length) ?? new Dictionary<string, int>();
    private readonly Dictionary<string, CellStatus> _statusShown = new();
    private SweepStatus? _sweepStatusShown;
    private DateTimeOffset? _waitingShown;
    private int _finishedShown = -1;

    /// <summary>
    /// Sweeps with more cells than this print, when not on a terminal, a line per percent of cells finished instead of
    /// a line per cell, so that no log has more lines than the sweep has cells.
    /// </summary>
    public const int CellLinesUpTo = 1000;

    private LiveSweepView? _live;

    public async Task<SweepSnapshot> WatchAsync(CancellationToken cancellation)
    {
        if (!output.Live)
        {
            return await FollowAsync(Show, cancellation);
        }

        _live = new LiveSweepView(TimeProvider.System);
        SweepSnapshot? last = null;
        await output.Human.Live(_live.Render(null)).AutoClear(true).StartAsync(async context =>
        {
            last = await FollowAsync(sweep =>
            {
                Show(sweep);
                context.UpdateTarget(_live.Render(sweep));
                context.Refresh();
            }, cancellation);
        });

        foreach (var failed in last!.Cells.Where(t => t.Status == CellStatus.Failed))
        {
            output.Warn($"cell {failed.CellId} failed: {failed.Error}");
        }

        return last;
    }

    private async Task<SweepSnapshot> FollowAsync(Action<SweepSnapshot> show, CancellationToken cancellation)
    {
        bool cancelling = false;
        while (true)
        {
            // A silo that dies takes its coordinators along until the cluster notices: keep asking meanwhile.
            var sweep = await OutageTolerance.CallAsync(coordinator.GetSnapshotAsync, output);
            if (sweep is null)
            {
                throw new UserInputException($"Sweep '{coordinator.GetPrimaryKeyString()}' does not exist.");
            }

            show(sweep);
            if (sweep.Status.IsFinal())
            {
                return sweep;
            }

            if (cancellation.IsCancellationRequested && !cancelling)
            {
                cancelling = true;
                Say("Cancelling: running cells stop after their current batch...");
                await coordinator.CancelAsync();
                continue;
            }

            try
            {
                await Task.Delay(PollInterval(sweep), cancellation);
            }
            catch (OperationCanceledException)
            {
                // Handled at the top of the loop: cancel the sweep, then keep watching until it has stopped.
            }
        }
    }

    // Large sweeps off a terminal: "[2,500/10,000] cells finished (25 %): 2,000 completed, 500 stopped; best ..." each percent.
    private void ShowPercentFinished(SweepSnapshot sweep)
    {
        if (output.EveryEpoch || output.Live || sweep.Cells.Length <= CellLinesUpTo)
        {
            return;
        }

        int finished = sweep.Cells.Count(t => t.Status.IsFinal());
        int percent = (int)(100L * finished / sweep.Cells.Length);
        if (percent <= _finishedShown || finished == 0)
        {
            return;
        }

        _finishedShown = percent;
        Say($"[{finished:N0}/{sweep.Cells.Length:N0}] cells finished ({percent} %): " +
                               SweepSummaryView.CellCounts(sweep), BestSuffix(sweep));
    }

    private void Show(SweepSnapshot sweep)
    {
        int index = 0;
        foreach (var trial in sweep.Cells)
        {
            index++;
            int shown = _epochsShown.GetValueOrDefault(trial.CellId);
            foreach (var epoch in output.EveryEpoch ? trial.Epochs.Skip(shown) : [])
            {
                output.Human.WriteLine(
                    $"[{index}/{sweep.Cells.Length}] {trial.CellId,-24} epoch {epoch.Epoch,3}/{trial.Parameters.Epochs,-3} " +
                    $"loss {epoch.TrainLoss:F4}  val acc {epoch.ValidationAccuracy:F4}  {epoch.Seconds,5:F2} s" + BestSuffix(sweep));
            }

            _epochsShown[trial.CellId] = trial.Epochs.Length;
            bool changed = _statusShown.TryGetValue(trial.CellId, out var before) ? before != trial.Status : alreadyShown is null || !trial.Status.IsFinal();
            if (changed && trial.Status == CellStatus.Failed)
            {
                Warn($"cell {trial.CellId} failed: {trial.Error}");
            }
            else if (changed && trial.Status == CellStatus.Completed && !output.EveryEpoch && sweep.Cells.Length <= CellLinesUpTo)
            {
                Say(
                    $"[{index}/{sweep.Cells.Length}] {trial.CellId,-24} completed: best val acc {trial.BestValidationAccuracy:F4} " +
                    $"at epoch {trial.BestEpoch}/{trial.Parameters.Epochs}", BestSuffix(sweep));
            }
            else if (changed && trial.Status == CellStatus.Stopped && (output.EveryEpoch || sweep.Cells.Length <= CellLinesUpTo))
            {
                // Shown with --verbose too: the epoch lines alone would not say that the cell stops here.
                Say(
                    $"[{index}/{sweep.Cells.Length}] {trial.CellId,-24} stopped by {sweep.Spec.Scheduler?.Name} at epoch " +
                    $"{trial.Epochs.Length}/{trial.Parameters.Epochs}: best val acc {trial.BestValidationAccuracy:F4}", BestSuffix(sweep));
            }

            _statusShown[trial.CellId] = trial.Status;
        }

        ShowPercentFinished(sweep);

        if (_waitingShown != sweep.WaitingForTrainersSince)
        {
            if (sweep.WaitingForTrainersSince is { } since)
            {
                Warn($"no trainer silo is active (since {since.UtcDateTime:HH:mm:ss} UTC): the sweep waits and goes on when one joins.");
            }
            else if (_waitingShown is not null)
            {
                Say("A trainer silo is active again; the sweep goes on.");
            }

            _waitingShown = sweep.WaitingForTrainersSince;
        }

        if (_sweepStatusShown != sweep.Status)
        {
            _sweepStatusShown = sweep.Status;
            if (sweep.Status == SweepStatus.Testing && sweep.Best is { } best)
            {
                Say($"All cells done. Testing the winner {best.CellId} (epoch {best.Epoch}) on the test split...");
            }
        }
    }

    // On a terminal, lines go to the live view's events (which shows the best so far itself); elsewhere they are printed.
    private void Say(string line, string bestSuffix = "")
    {
        if (_live is { } live)
        {
            live.Add(Markup.Escape(line));
        }
        else
        {
            output.Human.WriteLine(line + bestSuffix);
        }
    }

    private void Warn(string message)
    {
        if (_live is { } live)
        {
            live.Add($"[yellow]warning:[/] {Markup.Escape(message)}");
        }
        else
        {
            output.Warn(message);
        }
    }

    private static string BestSuffix(SweepSnapshot sweep) => sweep.Best is { } best
        ? $"   best: {best.CellId} epoch {best.Epoch} ({best.ValidationAccuracy:F4})"
        : "";
}
