namespace GridSearch.Training.Data;

/// <summary>A loaded data set and how it was obtained, for progress output and timings.</summary>
public sealed record DatasetLoadResult(
    DecodedDataset Dataset,
    bool FromCache,
    double DecodeSeconds,
    string? CachePath,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The fingerprint (decode cache key) of the files as this load listed them.</summary>
    public string Fingerprint { get; init; } = "";
}
