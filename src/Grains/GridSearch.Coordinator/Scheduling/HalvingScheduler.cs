using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Synchronous successive halving: every cell trains to the first rung and waits there; once all have reached it (or
/// failed), the best ⌈n/η⌉ by validation accuracy at the rung go on to the next and the rest stop. Each decision
/// depends on the rung's accuracies only, never on timing, so the same seed gives the same stops and the same
/// winner on every run, and a resumed sweep replays decided rungs from its state. Ties go to the earlier cell.
/// </summary>
public sealed class HalvingScheduler : ICellScheduler
{
    public bool Continue(SweepState sweep, CellRecord cell, EpochMetrics metrics) => true;

    public int? HoldAt(SweepState sweep, CellRecord cell) =>
        Rungs.Below(sweep.Spec!.Scheduler, cell.Parameters.Epochs).Where(r => !sweep.DecidedRungs.Contains(r))
            .Cast<int?>().FirstOrDefault();

    public IReadOnlyList<CellRecord> Settle(SweepState sweep)
    {
        var stopped = new List<CellRecord>();
        var scheduler = sweep.Spec!.Scheduler;
        while (NextUndecided(sweep) is { } rung)
        {
            // The cells this rung ranks: those with epochs beyond it, not already out of the sweep.
            var candidates = sweep.Trials
                .Where(c => c.Parameters.Epochs > rung && c.Status is not (CellStatus.Stopped or CellStatus.Failed or CellStatus.Cancelled))
                .ToList();
            if (candidates.Any(c => c.Epochs.Count < rung))
            {
                break; // some are still on their way to the rung
            }

            var losers = candidates
                .OrderByDescending(c => Rungs.AccuracyAt(c, rung)).ThenBy(c => c.GridIndex)
                .Skip(Rungs.Promoted(scheduler, candidates.Count));
            stopped.AddRange(losers);
            sweep.DecidedRungs.Add(rung);
        }

        return stopped;
    }

    private static int? NextUndecided(SweepState sweep)
    {
        int longest = sweep.Trials.Count == 0 ? 0 : sweep.Trials.Max(c => c.Parameters.Epochs);
        return Rungs.Below(sweep.Spec!.Scheduler, longest).Where(r => !sweep.DecidedRungs.Contains(r)).Cast<int?>().FirstOrDefault();
    }
}
