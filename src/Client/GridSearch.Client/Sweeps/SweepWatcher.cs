using GridSearch.Abstractions;
using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Follows a sweep until it ends, printing each new epoch, trial failures and the best so far. The first Ctrl+C
/// asks the coordinator to cancel; the watcher then waits for the sweep to stop cleanly.
/// </summary>
public sealed class SweepWatcher(ISweepCoordinatorGrain coordinator, CliOutput output, SweepSnapshot? alreadyShown = null)
{
    // Each poll fetches the whole sweep: poll large sweeps less often, so watching never competes with training.
    private static TimeSpan PollInterval(SweepSnapshot sweep) => TimeSpan.FromMilliseconds(Math.Clamp(sweep.Trials.Length / 2, 200, 2000));

    // A silo that dies takes its coordinators along until the cluster notices (seconds to a minute); keep asking.
    private static readonly TimeSpan OutageTolerance = TimeSpan.FromMinutes(3);
    private DateTimeOffset? _unreachableSince;
    // A resumed sweep prints only what is new; the epochs recorded before were summarised when it resumed.
    private readonly Dictionary<string, int> _epochsShown =
        alreadyShown?.Trials.ToDictionary(t => t.TrialId, t => t.Epochs.Length) ?? new Dictionary<string, int>();
    private readonly Dictionary<string, TrialStatus> _statusShown = new();
    private SweepStatus? _sweepStatusShown;
    private DateTimeOffset? _waitingShown;

    public async Task<SweepSnapshot> WatchAsync(CancellationToken cancellation)
    {
        bool cancelling = false;
        while (true)
        {
            var (reachable, sweep) = await TrySnapshotAsync();
            if (!reachable)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
                continue;
            }

            if (sweep is null)
            {
                throw new UserInputException($"Sweep '{coordinator.GetPrimaryKeyString()}' does not exist.");
            }

            Show(sweep);
            if (sweep.Status.IsFinal())
            {
                return sweep;
            }

            if (cancellation.IsCancellationRequested && !cancelling)
            {
                cancelling = true;
                output.Human.WriteLine("Cancelling: running trials stop after their current batch...");
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

    /// <summary>The sweep, or (false, null) while its coordinator cannot be reached (for up to the tolerance).</summary>
    private async Task<(bool Reachable, SweepSnapshot? Sweep)> TrySnapshotAsync()
    {
        try
        {
            var sweep = await coordinator.GetSnapshotAsync();
            _unreachableSince = null;
            return (true, sweep);
        }
        catch (Exception error) when (error is OrleansException or TimeoutException)
        {
            var now = DateTimeOffset.UtcNow;
            _unreachableSince ??= now;
            if (now - _unreachableSince > OutageTolerance)
            {
                throw;
            }

            output.Warn($"the sweep's coordinator is unreachable ({error.GetType().Name}); retrying while the cluster recovers");
            return (false, null);
        }
    }

    private void Show(SweepSnapshot sweep)
    {
        int index = 0;
        foreach (var trial in sweep.Trials)
        {
            index++;
            int shown = _epochsShown.GetValueOrDefault(trial.TrialId);
            foreach (var epoch in trial.Epochs.Skip(shown))
            {
                output.Human.WriteLine(
                    $"[{index}/{sweep.Trials.Length}] {trial.TrialId,-24} epoch {epoch.Epoch,3}/{trial.Parameters.Epochs,-3} " +
                    $"loss {epoch.TrainLoss:F4}  val acc {epoch.ValidationAccuracy:F4}  {epoch.Seconds,5:F2} s" + BestSuffix(sweep));
            }

            _epochsShown[trial.TrialId] = trial.Epochs.Length;
            if (_statusShown.GetValueOrDefault(trial.TrialId) != trial.Status && trial.Status == TrialStatus.Failed)
            {
                output.Warn($"trial {trial.TrialId} failed: {trial.Error}");
            }

            _statusShown[trial.TrialId] = trial.Status;
        }

        if (_waitingShown != sweep.WaitingForTrainersSince)
        {
            if (sweep.WaitingForTrainersSince is { } since)
            {
                output.Warn($"no trainer silo is active (since {since.UtcDateTime:HH:mm:ss} UTC): the sweep waits and goes on when one joins.");
            }
            else if (_waitingShown is not null)
            {
                output.Human.WriteLine("A trainer silo is active again; the sweep goes on.");
            }

            _waitingShown = sweep.WaitingForTrainersSince;
        }

        if (_sweepStatusShown != sweep.Status)
        {
            _sweepStatusShown = sweep.Status;
            if (sweep.Status == SweepStatus.Testing && sweep.Best is { } best)
            {
                output.Human.WriteLine($"All trials done. Testing the winner {best.TrialId} (epoch {best.Epoch}) on the test split...");
            }
        }
    }

    private static string BestSuffix(SweepSnapshot sweep) => sweep.Best is { } best
        ? $"   best: {best.TrialId} epoch {best.Epoch} ({best.ValidationAccuracy:F4})"
        : "";
}
