namespace GridSearch.Abstractions;

/// <summary>
/// What a user asks for: the parameters to search and how (a grid, or random samples), the scheduler that may stop
/// cells early, the data set and split, the search seed, and how the sweep runs. Immutable once submitted.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SweepSpec")]
public sealed record SweepSpec
{
    public static readonly double[] DefaultLearningRates = [0.01, 0.001];
    public static readonly int[] DefaultBatchSizes = [16, 32];
    public static readonly int[] DefaultEpochs = [5, 10];

    // The baseline's three lists: the search space when Parameters is not given (and of sweeps stored before it existed).
    [Id(0)] public double[] LearningRates { get; init; } = DefaultLearningRates;

    [Id(1)] public int[] BatchSizes { get; init; } = DefaultBatchSizes;

    [Id(2)] public int[] Epochs { get; init; } = DefaultEpochs;

    /// <summary>The search space, one dimension per parameter; null means the three lists above.</summary>
    [Id(13)] public SearchDimension[]? Parameters { get; init; }

    /// <summary>The searcher that proposes the cells: <c>grid</c> (every combination) or <c>random</c>.</summary>
    [Id(14)] public string Search { get; init; } = "grid";

    /// <summary>How many cells random search draws.</summary>
    [Id(15)] public int Samples { get; init; }

    [Id(16)] public SchedulerSpec Scheduler { get; init; } = new();

    /// <summary>The user's own program that runs train, or null for the built-in models.</summary>
    [Id(20)] public ProgramSpec? Program { get; init; }

    /// <summary>
    /// The metric the sweep optimises, as the trainer reports it; null or empty means <c>val_accuracy</c>. The built-in
    /// models report val_accuracy and train_loss; a program reports whatever it names.
    /// </summary>
    [Id(21)] public string? Metric { get; init; }

    [Id(22)] public MetricMode Mode { get; init; }

    /// <summary>An earlier sweep's results a searcher that learns starts from (<c>--from SWEEP</c>); null: a cold start.</summary>
    [Id(23)] public WarmStart? WarmStart { get; init; }

    /// <summary>
    /// Epochs the sweep may train in all (<c>--max-epochs</c>, <c>max_epochs:</c>); once trained, the cells still
    /// training stop where they are, those not started are not, and the sweep ends with the best so far. 0: no limit.
    /// </summary>
    [Id(24)] public int MaxEpochs { get; init; }

    /// <summary>Wall time the sweep may run, resumes included (<c>--time-budget</c>, <c>time_budget:</c>); then it ends as for <see cref="MaxEpochs"/>.</summary>
    [Id(25)] public TimeSpan? TimeBudget { get; init; }

    public Objective Objective => Objective.Of(this);

    /// <summary>
    /// The search space (the grid's outermost parameter first): the built-in parameters in catalog order; a program's
    /// in the order the user gave them, with the epoch count innermost.
    /// </summary>
    public IReadOnlyList<SearchDimension> Space => (Parameters ??
    [
        SearchDimension.Of(ParameterCatalog.LearningRate, LearningRates ?? []),
        SearchDimension.Of(ParameterCatalog.BatchSize, (BatchSizes ?? []).Select(b => (double)b)),
        SearchDimension.Of(ParameterCatalog.Epochs, (Epochs ?? []).Select(e => (double)e)),
    ]).OrderBy(d => d?.Name is not { } name ? int.MaxValue
        : Program is null ? ParameterCatalog.Order(name)
        : name == ParameterCatalog.Epochs ? 1 : 0).ToArray();

    /// <summary>
    /// The kind of values a parameter takes: the catalog's for the built-in models; for a program's own parameter, as
    /// its sweep declares (a range is a float range unless it says integer), text lists being choices.
    /// </summary>
    public ParameterKind KindOf(SearchDimension dimension) =>
        Program is null || dimension.Name == ParameterCatalog.Epochs
            ? ParameterCatalog.Find(dimension.Name)?.Kind ?? ParameterKind.Float
            : dimension.Kind ?? (dimension.DistinctValues.Any(v => v.IsText) ? ParameterKind.Choice : ParameterKind.Float);

    /// <summary>Fixes the split, the initial weights and every shuffle.</summary>
    [Id(3)] public long Seed { get; init; }

    /// <summary>ImageFolder root as the trainer silos see it (the client never ships data).</summary>
    [Id(4)] public string DataRoot { get; init; } = "";

    [Id(5)] public double TrainFraction { get; init; } = 0.8;

    [Id(6)] public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Most runs training at once (a fused group counts as one); 0 means as many as the cluster has trainer slots.</summary>
    [Id(7)] public int MaxConcurrent { get; init; }

    /// <summary>How many times a failing run is retried before it is marked Failed.</summary>
    [Id(8)] public int RetriesPerRun { get; init; } = 1;

    /// <summary>Accept grids over <see cref="SweepSpecRules.LargeGridCells"/> cells.</summary>
    [Id(9)] public bool AllowLargeGrid { get; init; }

    [Id(10)] public bool SkipBadImages { get; init; }

    [Id(11)] public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>Side of the square every image is resized to before training (the baseline's 128).</summary>
    [Id(17)] public int ImageSize { get; init; } = DefaultImageSize;

    public const int DefaultImageSize = 128;

    /// <summary>
    /// Cells that differ only in their epoch count train as one run, to the largest count, and read the smaller ones
    /// off along the way. Results are identical either way; this only saves time.
    /// </summary>
    [Id(12)] public bool SharedPrefix { get; init; } = true;

    /// <summary>
    /// Runs that share everything that shapes their batches and model, and differ only in learning rate, momentum or
    /// weight decay, train as fused groups: one pass over the data for the whole group (logistic model or MLP, SGD).
    /// Off: every run trains alone, with the numbers of releases before fusion.
    /// </summary>
    [Id(18)] public bool Fuse { get; init; } = true;

    /// <summary>
    /// Most runs in one fused group, or <see cref="AutomaticFusedGroupSize"/>: <see cref="CpuFusedGroupSize"/> on CPU
    /// trainers, and on a GPU as many as its free memory holds (up to the largest size).
    /// </summary>
    [Id(19)] public int FusedGroupSize { get; init; } = AutomaticFusedGroupSize;

    public const int AutomaticFusedGroupSize = 0;

    /// <summary>The automatic group size on CPU trainers (measured: wider groups gain little there).</summary>
    public const int CpuFusedGroupSize = 16;
}
