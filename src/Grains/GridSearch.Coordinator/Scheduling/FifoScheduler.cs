using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>Every cell trains all its epochs (the default).</summary>
public sealed class FifoScheduler : ICellScheduler
{
    public bool Continue(ISweepView sweep, ICellView cell, EpochMetrics metrics) => true;
}
