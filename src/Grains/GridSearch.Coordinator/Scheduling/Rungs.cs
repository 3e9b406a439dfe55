using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>The rungs of successive halving and ASHA: epochs r, r·η, r·η², … below a cell's last epoch.</summary>
public static class Rungs
{
    public static IEnumerable<int> Below(SchedulerSpec scheduler, int epochs)
    {
        for (long level = scheduler.MinEpochs; level < epochs; level *= scheduler.ReductionFactor)
        {
            yield return (int)level;
        }
    }

    /// <summary>How many of <paramref name="candidates"/> go on past a rung: the best 1/η, at least one.</summary>
    public static int Promoted(SchedulerSpec scheduler, int candidates) =>
        (candidates + scheduler.ReductionFactor - 1) / scheduler.ReductionFactor;

    /// <summary>
    /// How good a cell was after the given epoch by the sweep's objective, higher being better (its validation accuracy
    /// for the built-in models).
    /// </summary>
    public static double ScoreAt(ISweepView sweep, ICellView cell, int epoch) => Objective.Of(sweep.Spec).Score(cell.Epochs[epoch - 1]);
}
