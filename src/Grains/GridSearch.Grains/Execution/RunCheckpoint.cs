using GridSearch.Abstractions;

namespace GridSearch.Grains.Execution;

/// <summary>
/// A run's progress: the weights (and optimizer state, for momentum and Adam) after its last completed epoch and the
/// metrics of every epoch so far. The run's
/// checkpoint is the source of truth for its run; the coordinator's view may lag behind it (it is written lazily)
/// and catches up by replaying the history.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialCheckpoint")]
public sealed record RunCheckpoint(
    [property: Id(0)] int Attempt,
    [property: Id(1)] EpochMetrics[] History,
    [property: Id(2)] float[] Weights,
    [property: Id(3)] string? Incarnation = null,
    [property: Id(4)] byte[]? OptimizerState = null)
{
    public int Epoch => History.Length == 0 ? 0 : History[^1].Epoch;

    public EpochMetrics Metrics => History[^1];
}
