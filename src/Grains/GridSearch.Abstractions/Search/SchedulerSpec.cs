namespace GridSearch.Abstractions;

/// <summary>
/// Which scheduler decides whether a cell goes on after each epoch, and its settings. <see cref="MinEpochs"/> is the
/// first rung of successive halving and ASHA (r) and the grace period of the median rule; rungs follow at r·η, r·η², …
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SchedulerSpec")]
public sealed record SchedulerSpec
{
    [Id(0)] public string Name { get; init; } = SchedulerNames.Fifo;

    /// <summary>η: at each rung, the best 1/η of the cells go on.</summary>
    [Id(1)] public int ReductionFactor { get; init; } = 3;

    [Id(2)] public int MinEpochs { get; init; } = 1;

    /// <summary>The median rule decides only once this many other runs have reached the epoch.</summary>
    [Id(3)] public int MinSamples { get; init; } = 3;
}
