namespace GridSearch.Abstractions;

/// <summary>
/// The data set a sweep trains on, as a trainer silo loaded it. <see cref="Fingerprint"/> names its exact contents
/// (every file's path, size and modification time, and the preprocessing settings): trainers compare it before they
/// train, so a sweep never mixes two versions of its data. (Sweeps stored by earlier releases also hold the
/// describing trainer's capabilities under ids 10–12; they are skipped on read: trainers now say what they can do
/// when asked, see <see cref="IDatasetInspectorGrain.FusedGroupWidthsAsync"/>.)
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
    [property: Id(9)] string? Fingerprint = null);
