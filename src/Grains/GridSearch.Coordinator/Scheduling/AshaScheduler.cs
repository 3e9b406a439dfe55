using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020): when a cell reaches a rung it goes on only if it is among
/// the best ⌈n/η⌉ of the n runs that have reached that rung so far; nobody waits. Its stops therefore depend on the
/// order in which runs reach each rung (timing), unlike <see cref="HalvingScheduler"/>. Each decision is part of the
/// sweep's state as soon as it is made, so a resumed sweep keeps it instead of deciding again.
/// </summary>
public sealed class AshaScheduler : ICellScheduler
{
    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics)
    {
        var scheduler = sweep.Spec!.Scheduler;
        int rung = metrics.Epoch;
        if (!Rungs.Below(scheduler, cell.Parameters.Epochs).Contains(rung))
        {
            return true;
        }

        // One value per run: cells of the same run have the same history and must not outvote the others.
        var reached = sweep.Cells.Where(c => c.Epochs.Count >= rung)
            .GroupBy(c => c.RunId).Select(g => Rungs.ScoreAt(sweep, g.First(), rung)).ToList();
        double mine = Rungs.ScoreAt(sweep, cell, rung);
        return reached.Count(a => a > mine) < Rungs.Promoted(scheduler, reached.Count);
    }
}
