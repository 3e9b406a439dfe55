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
    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics) => true;

    public int? HoldAt(ISweepView sweep, ICellView cell) =>
        Rungs.Below(sweep.Spec!.Scheduler, cell.Parameters.Epochs).Where(r => !sweep.DecidedRungs.Contains(r))
            .Cast<int?>().FirstOrDefault();

    public RungDecisions Settle(ISweepView sweep)
    {
        var stopped = new List<int>();
        var decided = sweep.DecidedRungs.ToHashSet();
        var scheduler = sweep.Spec!.Scheduler;
        while (NextUndecided(sweep, decided) is { } rung)
        {
            // The cells this rung ranks: those with epochs beyond it, not already out of the sweep.
            var candidates = sweep.Cells
                .Where(c => c.Parameters.Epochs > rung && c.Status is not (CellStatus.Stopped or CellStatus.Failed or CellStatus.Cancelled))
                .ToList();
            if (candidates.Any(c => c.Epochs.Count < rung))
            {
                break; // some are still on their way to the rung
            }

            var losers = candidates
                .OrderByDescending(c => Rungs.ScoreAt(sweep, c, rung)).ThenBy(c => c.GridIndex)
                .Skip(Rungs.Promoted(scheduler, candidates.Count));
            stopped.AddRange(losers.Select(c => c.GridIndex));
            decided.Add(rung);
        }

        return new RungDecisions(stopped, decided.Except(sweep.DecidedRungs).Order().ToList());
    }

    private static int? NextUndecided(ISweepView sweep, IReadOnlySet<int> decided)
    {
        int longest = sweep.Cells.Count == 0 ? 0 : sweep.Cells.Max(c => c.Parameters.Epochs);
        return Rungs.Below(sweep.Spec!.Scheduler, longest).Where(r => !decided.Contains(r)).Cast<int?>().FirstOrDefault();
    }
}
