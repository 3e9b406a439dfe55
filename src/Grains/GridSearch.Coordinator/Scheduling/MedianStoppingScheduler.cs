using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// The median stopping rule (Golovin et al., Google Vizier): after the grace period, a cell stops at epoch t when its
/// best score so far (validation accuracy, or the sweep's objective) is below the median of the other runs' mean score over their first t epochs,
/// counting only runs that have reached t and deciding only once there are enough of them. Like ASHA its stops
/// depend on which runs have reached t, so on timing.
/// </summary>
public sealed class MedianStoppingScheduler : ICellScheduler
{
    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics)
    {
        var scheduler = sweep.Spec!.Scheduler;
        var objective = sweep.Spec.Objective;
        int epoch = metrics.Epoch;
        if (epoch < scheduler.MinEpochs)
        {
            return true;
        }

        var others = sweep.Cells.Where(c => c.RunId != cell.RunId && c.Epochs.Count >= epoch)
            .GroupBy(c => c.RunId)
            .Select(g => g.First().Epochs.Take(epoch).Average(objective.Score))
            .Order()
            .ToList();
        if (others.Count < scheduler.MinSamples)
        {
            return true;
        }

        double median = others.Count % 2 == 1
            ? others[others.Count / 2]
            : (others[others.Count / 2 - 1] + others[others.Count / 2]) / 2;
        return cell.Epochs.Take(epoch).Max(objective.Score) >= median;
    }
}
