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
    // Each poll brings only what changed, but the live view redraws the whole sweep: large sweeps are drawn at most once a second.
    private static TimeSpan PollInterval(SweepSnapshot sweep) => TimeSpan.FromMilliseconds(Math.Clamp(sweep.Cells.Length / 2, 200, 1000));

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
            last = await FollowAsync((sweep, touched) =>
            {
                Show(sweep, touched);
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

    private async Task<SweepSnapshot> FollowAsync(Action<SweepSnapshot, IReadOnlyList<int>> show, CancellationToken cancellation)
    {
        bool cancelling = false;
        var watched = new WatchedSweep();
        while (true)
        {
            // A silo that dies takes its coordinators along until the cluster notices: keep asking meanwhile.
            var changes = await OutageTolerance.CallAsync(() => coordinator.GetChangesAsync(watched.Cursor), output)
                ?? throw new UserInputException($"Sweep '{coordinator.GetPrimaryKeyString()}' does not exist.");
            var touched = watched.Apply(changes);
            var sweep = watched.Current!;
            show(sweep, touched);
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
        if (output.EveryEpoch || output.Live || SweepSummaryView.PlannedCells(sweep) <= CellLinesUpTo)
        {
            return;
        }

        int finished = sweep.Cells.Count(t => t.Status.IsFinal());
        int percent = (int)(100L * finished / SweepSummaryView.PlannedCells(sweep));
        if (percent <= _finishedShown || finished == 0)
        {
            return;
        }

        _finishedShown = percent;
        Say($"[{finished:N0}/{SweepSummaryView.PlannedCells(sweep):N0}] cells finished ({percent} %): " +
                               SweepSummaryView.CellCounts(sweep), BestSuffix(sweep));
    }

    private void Show(SweepSnapshot sweep, IReadOnlyList<int> touched)
    {
        foreach (int position in touched)
        {
            var cell = sweep.Cells[position];
            int index = position + 1;
            int shown = _epochsShown.GetValueOrDefault(cell.CellId);
            foreach (var epoch in output.EveryEpoch ? cell.Epochs.Skip(shown) : [])
            {
                output.Human.WriteLine(
                    $"[{index}/{SweepSummaryView.PlannedCells(sweep)}] {cell.CellId,-24} epoch {epoch.Epoch,3}/{cell.Parameters.Epochs,-3} " +
                    $"loss {epoch.TrainLoss:F4}  val acc {epoch.ValidationAccuracy:F4}  {epoch.Seconds,5:F2} s" + BestSuffix(sweep));
            }

            _epochsShown[cell.CellId] = cell.Epochs.Length;
            bool changed = _statusShown.TryGetValue(cell.CellId, out var before) ? before != cell.Status : alreadyShown is null || !cell.Status.IsFinal();
            if (changed && cell.Status == CellStatus.Failed)
            {
                Warn($"cell {cell.CellId} failed: {cell.Error}");
            }
            else if (changed && cell.Status == CellStatus.Completed && !output.EveryEpoch && sweep.Cells.Length <= CellLinesUpTo)
            {
                Say(
                    $"[{index}/{SweepSummaryView.PlannedCells(sweep)}] {cell.CellId,-24} completed: {sweep.Spec.Objective.Column} {sweep.Spec.Objective.Format(cell.BestValue(sweep.Spec.Objective))} " +
                    $"at epoch {cell.BestEpochBy(sweep.Spec.Objective)}/{cell.Parameters.Epochs}", BestSuffix(sweep));
            }
            else if (changed && cell.Status == CellStatus.Stopped && (output.EveryEpoch || sweep.Cells.Length <= CellLinesUpTo))
            {
                // Shown with --verbose too: the epoch lines alone would not say that the cell stops here.
                Say(
                    $"[{index}/{SweepSummaryView.PlannedCells(sweep)}] {cell.CellId,-24} stopped by {sweep.Spec.Scheduler?.Name} at epoch " +
                    $"{cell.Epochs.Length}/{cell.Parameters.Epochs}: {sweep.Spec.Objective.Column} {sweep.Spec.Objective.Format(cell.BestValue(sweep.Spec.Objective))}", BestSuffix(sweep));
            }

            _statusShown[cell.CellId] = cell.Status;
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
        ? $"   best: {best.CellId} epoch {best.Epoch} ({sweep.Spec.Objective.Format(best.Value)})"
        : "";
}
