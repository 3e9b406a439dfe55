namespace GridSearch.Abstractions;

/// <summary>The data set a sweep trains on, as a trainer silo loaded it.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.DatasetSummary")]
public sealed record DatasetSummary(
    [property: Id(0)] string Root,
    [property: Id(1)] string[] Classes,
    [property: Id(2)] int Images,
    [property: Id(3)] int Train,
    [property: Id(4)] int Validation,
    [property: Id(5)] int Test,
    [property: Id(6)] string[] SkippedImages,
    [property: Id(7)] double LoadSeconds,
    [property: Id(8)] bool FromCache);
