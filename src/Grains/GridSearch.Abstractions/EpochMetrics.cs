namespace GridSearch.Abstractions;

/// <summary>What one finished epoch of a cell measured (epochs are 1-based).</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.EpochMetrics")]
public sealed record EpochMetrics(
    [property: Id(0)] int Epoch,
    [property: Id(1)] double TrainLoss,
    [property: Id(2)] double ValidationAccuracy,
    [property: Id(3)] double Seconds,
    [property: Id(4)] double SamplesPerSecond)
{
    /// <summary>
    /// Validation accuracy of each class in the data set's class order (NaN for a class with no validation image);
    /// empty for metrics recorded before GridSearch measured it and for simulated training.
    /// </summary>
    [Id(5)] public double[] ValidationClassAccuracy { get; init; } = [];

    /// <summary>
    /// Every metric a user's program reported for the epoch, by name (its <c>val_accuracy</c> and <c>train_loss</c>
    /// also fill the fields above); null for the built-in models.
    /// </summary>
    [Id(6)] public Dictionary<string, double>? Reported { get; init; }
}
