namespace GridSearch.Abstractions;

/// <summary>
/// The data set a sweep trains on, as a trainer silo loaded it. <see cref="Fingerprint"/> names its exact contents
/// (every file's path, size and modification time, and the preprocessing settings): trainers compare it before they
/// train, so a sweep never mixes two versions of its data.
/// </summary>
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
    [property: Id(8)] bool FromCache,
    [property: Id(9)] string? Fingerprint = null)
{
    /// <summary>Whether the trainer that described the data set trains fused groups (simulated and scripted trainers do not).</summary>
    [Id(10)] public bool FusedTraining { get; init; }

    /// <summary>
    /// Bytes of GPU memory the describing trainer has for training work (its measured free memory less headroom, or
    /// its configured budget); null on CPU trainers. Automatic fused group sizes are sized to fit it.
    /// </summary>
    [Id(11)] public long? DeviceMemoryForTraining { get; init; }

    /// <summary>Whether the describing trainer trains on a GPU (automatic fused groups are wider there).</summary>
    [Id(12)] public bool GpuTraining { get; init; }
}
