using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>Every cell trains all its epochs (the default).</summary>
public sealed class FifoScheduler : ICellScheduler
{
    public bool Continue(SweepState sweep, CellRecord cell, EpochMetrics metrics) => true;
}
