using GridSearch.Abstractions;
using GridSearch.Client.Output;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Follows a sweep until it ends, printing each new epoch (on a terminal or with --verbose) or each finished cell
/// (otherwise), trial failures and the best so far. The first Ctrl+C asks the coordinator to cancel; the watcher then
/// waits for the sweep to stop cleanly.
/// </summary>
public sealed class SweepWatcher(ISweepCoordinatorGrain coordinator, CliOutput output, SweepSnapshot? alreadyShown = null)
{
    // Each poll fetches the whole sweep: poll large sweeps less often, so watching never competes with training.
    private static TimeSpan PollInterval(SweepSnapshot sweep) => TimeSpan.FromMilliseconds(Math.Clamp(sweep.Trials.Length / 2, 200, 2000));

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
            // A silo that dies takes its coordinators along until the cluster notices: keep asking meanwhile.
            var sweep = await OutageTolerance.CallAsync(coordinator.GetSnapshotAsync, output);
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

    private void Show(SweepSnapshot sweep)
    {
        int index = 0;
        foreach (var trial in sweep.Trials)
        {
            index++;
            int shown = _epochsShown.GetValueOrDefault(trial.TrialId);
            foreach (var epoch in output.EveryEpoch ? trial.Epochs.Skip(shown) : [])
            {
                output.Human.WriteLine(
                    $"[{index}/{sweep.Trials.Length}] {trial.TrialId,-24} epoch {epoch.Epoch,3}/{trial.Parameters.Epochs,-3} " +
                    $"loss {epoch.TrainLoss:F4}  val acc {epoch.ValidationAccuracy:F4}  {epoch.Seconds,5:F2} s" + BestSuffix(sweep));
            }

            _epochsShown[trial.TrialId] = trial.Epochs.Length;
            bool changed = _statusShown.TryGetValue(trial.TrialId, out var before) ? before != trial.Status : alreadyShown is null || !trial.Status.IsFinal();
            if (changed && trial.Status == TrialStatus.Failed)
            {
                output.Warn($"trial {trial.TrialId} failed: {trial.Error}");
            }
            else if (changed && trial.Status == TrialStatus.Completed && !output.EveryEpoch)
            {
                output.Human.WriteLine(
                    $"[{index}/{sweep.Trials.Length}] {trial.TrialId,-24} completed: best val acc {trial.BestValidationAccuracy:F4} " +
                    $"at epoch {trial.BestEpoch}/{trial.Parameters.Epochs}" + BestSuffix(sweep));
            }
            else if (changed && trial.Status == TrialStatus.Stopped)
            {
                // Shown with --verbose too: the epoch lines alone would not say that the cell stops here.
                output.Human.WriteLine(
                    $"[{index}/{sweep.Trials.Length}] {trial.TrialId,-24} stopped by {sweep.Spec.Scheduler?.Name} at epoch " +
                    $"{trial.Epochs.Length}/{trial.Parameters.Epochs}: best val acc {trial.BestValidationAccuracy:F4}" + BestSuffix(sweep));
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
