using GridSearch.Abstractions;

namespace GridSearch.Grains.Execution;

/// <summary>A run's last completed epoch: its metrics and the weights after it.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialCheckpoint")]
public sealed record TrialCheckpoint(
    [property: Id(0)] int Attempt,
    [property: Id(1)] EpochMetrics Metrics,
    [property: Id(2)] float[] Weights)
{
    public int Epoch => Metrics.Epoch;
}
