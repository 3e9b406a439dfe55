namespace GridSearch.Abstractions;

/// <summary>
/// Which data set and split a trainer silo prepares; equal requests share one decoded copy per silo. With a
/// <see cref="Fingerprint"/> (every run of a started sweep), a trainer whose data differs refuses the request.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.DataRequest")]
public sealed record DataRequest(
    [property: Id(0)] string Root,
    [property: Id(1)] long Seed,
    [property: Id(2)] double TrainFraction,
    [property: Id(3)] double ValidationFraction,
    [property: Id(4)] bool SkipBadImages,
    [property: Id(5)] long MaxImagePixels,
    [property: Id(6)] string? Fingerprint = null,
    [property: Id(7)] int ImageSize = SweepSpec.DefaultImageSize)
{
    /// <summary>The user's program the sweep's runs execute (it reads its own data), or null for the built-in models.</summary>
    [Id(8)] public ProgramSpec? Program { get; init; }

    /// <summary>The metric every report of the program must carry (the sweep's objective); null for the built-in models.</summary>
    [Id(9)] public string? Metric { get; init; }

    /// <summary>Whether the program's <see cref="Metric"/> is better higher or lower (max for the built-in models).</summary>
    [Id(10)] public MetricMode Mode { get; init; } = MetricMode.Max;

    /// <summary>The objective a program's winner is tested by: its run folder at the best epoch by it is kept for the test command.</summary>
    public Objective? TestedBy => Program?.TestCommand is { Length: > 0 } ? new Objective(Metric ?? Objective.ValidationAccuracy, Mode) : null;

    public static DataRequest For(SweepSpec spec) => new(spec.DataRoot, spec.Seed, spec.TrainFraction,
        spec.ValidationFraction, spec.SkipBadImages, spec.MaxImagePixels, ImageSize: spec.ImageSize)
    {
        Program = spec.Program,
        Metric = spec.Program is null ? null : spec.Objective.Metric,
        Mode = spec.Program is null ? MetricMode.Max : spec.Objective.Mode,
    };

    /// <summary>The image side in effect: requests stored before images could be resized otherwise hold 0, meaning the baseline's 128.</summary>
    public int EffectiveImageSize => ImageSize > 0 ? ImageSize : SweepSpec.DefaultImageSize;
}
