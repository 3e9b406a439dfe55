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

    /// <summary>Population-based training: the population is ranked, and its worst copy its best, every this many epochs.</summary>
    [Id(4)] public int Interval { get; init; } = 2;

    /// <summary>Population-based training: the share of the population in the bottom (and in the top) at each interval.</summary>
    [Id(5)] public double Quantile { get; init; } = 0.25;

    /// <summary>Population-based training: the chance that an explored value is drawn afresh from the space instead of perturbed.</summary>
    [Id(6)] public double ResampleProbability { get; init; } = 0.25;
}
