using System.Globalization;

namespace GridSearch.Abstractions;

/// <summary>One cell of the grid.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.TrialParameters")]
public sealed record TrialParameters(
    [property: Id(0)] double LearningRate,
    [property: Id(1)] int BatchSize,
    [property: Id(2)] int Epochs)
{
    /// <summary>A stable name built from the parameters only, e.g. <c>lr0.01-bs16-ep5</c>.</summary>
    public string TrialId => string.Create(CultureInfo.InvariantCulture,
        $"lr{LearningRate.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant()}-bs{BatchSize}-ep{Epochs}");
}
