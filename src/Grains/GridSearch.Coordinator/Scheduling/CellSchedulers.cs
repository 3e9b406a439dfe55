using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>The scheduler of each name in <see cref="SchedulerNames"/>.</summary>
public static class CellSchedulers
{
    private static readonly Dictionary<string, ICellScheduler> ByName = new()
    {
        [SchedulerNames.Fifo] = new FifoScheduler(),
        [SchedulerNames.Halving] = new HalvingScheduler(),
        [SchedulerNames.Asha] = new AshaScheduler(),
        [SchedulerNames.Median] = new MedianStoppingScheduler(),
        [SchedulerNames.Hyperband] = new HyperbandScheduler(),
        [SchedulerNames.Pbt] = new PbtScheduler(),
    };

    public static ICellScheduler For(SweepSpec spec) => ByName.TryGetValue(spec.Scheduler?.Name ?? SchedulerNames.Fifo, out var scheduler)
        ? scheduler
        : throw new ArgumentException($"unknown scheduler '{spec.Scheduler?.Name}'; use one of {string.Join(", ", ByName.Keys)}");
}
