using GridSearch.Abstractions;

namespace GridSearch.Client.Results;

/// <summary>
/// results.json: the document other tools read. Names are part of the contract; epochs are 1-based and lists hold
/// one value per epoch in order.
/// </summary>
public sealed record ResultsDocument(
    string SweepId,
    string Status,
    long Seed,
    int ImageSize,
    GridDocument Grid,
    SearchDocument Search,
    DatasetDocument? Dataset,
    CellDocument[] Trials,
    BestDocument? Best,
    double? TestAccuracy,
    object? Test,
    TimingsDocument Timings,
    string? Message)
{
    public static ResultsDocument From(SweepSnapshot sweep) => From(sweep, HyperbandSchedule.Of(sweep.Spec));

    private static ResultsDocument From(SweepSnapshot sweep, IReadOnlyList<HyperbandBracket>? brackets) => new(
        sweep.SweepId,
        sweep.Status.ToString(),
        sweep.Spec.Seed,
        sweep.Spec.ImageSize,
        GridDocument.From(sweep),
        SearchDocument.From(sweep.Spec),
        sweep.Dataset is { } d ? new DatasetDocument(d.Root, d.Classes, d.Images, d.Train, d.Validation, d.Test) : null,
        sweep.Cells.Select((t, index) => new CellDocument(t.CellId, LearningRate(t.Parameters), BatchSize(t.Parameters),
            t.Parameters.Epochs, t.Status.ToString(), Series(t, Objective.TrainLoss), Series(t, Objective.ValidationAccuracy),
            t.BestEpochBy(sweep.Spec.Objective) is var best and > 0 ? best : null,
            t.BestValue(Objective.Default), t.Seconds, t.Silo, t.Error, t.WallSeconds)
        {
            Params = ParamsMap(t.Parameters),
            StoppedAtEpoch = t.Status == CellStatus.Stopped ? t.Epochs.Length : null,
            FusedGroup = t.FusedGroup,
            Bracket = brackets is null ? null : HyperbandSchedule.BracketOf(brackets, index)?.S,
            Schedule = t.Schedule.Length == 0 ? null
                : t.Schedule.Select(e => new ScheduleStepDocument(e.Epoch, e.Donor < sweep.Cells.Length ? sweep.Cells[e.Donor].CellId : $"#{e.Donor}", ParamsMap(e.Values))).ToArray(),
            Metrics = ReportedMetrics(t.Epochs),
            ValAccuracyPerClass = t.Epochs.Any(e => e.ValidationClassAccuracy.Length > 0)
                ? t.Epochs.Select(e => e.ValidationClassAccuracy.Select(a => double.IsNaN(a) ? (double?)null : a).ToArray()).ToArray()
                : null,
        }).ToArray(),
        sweep.Best is { } b
            ? new BestDocument(b.CellId, LearningRate(b.Parameters), BatchSize(b.Parameters), b.Parameters.Epochs, b.Epoch,
                sweep.Spec.Objective == Objective.Default ? b.Value : ValidationAccuracyAt(sweep, b))
            {
                Params = ParamsMap(b.Parameters),
                Metric = sweep.Spec.Objective.Metric,
                Value = b.Value,
            }
            : null,
        sweep.TestAccuracy,
        // The built-in models' test on the held-out split, or what a program's test command reported (its own metrics).
        (object?)TestDocument.From(sweep) ?? sweep.TestMetrics,
        new TimingsDocument(sweep.Timings.TotalSeconds, sweep.Timings.DecodeSeconds, sweep.Timings.TrainSeconds, sweep.Timings.EpochsTrained),
        sweep.Message);

    /// <summary>Every metric a user's program reported, one value per epoch (null where an epoch did not report it); null for built-in models.</summary>
    public static Dictionary<string, double?[]>? ReportedMetrics(EpochMetrics[] epochs) =>
        epochs.Any(e => e.Reported is not null)
            ? epochs.SelectMany(e => e.Reported?.Keys.AsEnumerable() ?? []).Distinct().Order(StringComparer.Ordinal).ToDictionary(
                name => name,
                name => epochs.Select(e => e.Reported is { } r && r.TryGetValue(name, out double v) ? v : (double?)null).ToArray())
            : null;

    // One value per epoch; null where a program did not report the metric.
    private static double?[] Series(CellSnapshot cell, string metric) =>
        cell.Epochs.Select(e => Objective.Reported(e, metric)).ToArray();

    // The fields of the baseline's parameters: a program's cell has them only when it names its own parameters so.
    private static double? LearningRate(CellParameters cell) =>
        !cell.IsProgram ? cell.LearningRate : OwnNumber(cell, ParameterCatalog.LearningRate);

    private static int? BatchSize(CellParameters cell) =>
        !cell.IsProgram ? cell.BatchSize : OwnNumber(cell, ParameterCatalog.BatchSize) is { } b && b == Math.Floor(b) ? (int)b : null;

    private static double? OwnNumber(CellParameters cell, string name) =>
        cell.Own!.FirstOrDefault(s => s.Name == name) is { Value.IsText: false } setting ? setting.Value.Number : null;

    // A program's winner has a validation accuracy only when the program reported one.
    private static double? ValidationAccuracyAt(SweepSnapshot sweep, BestCell best) =>
        sweep.Cells.FirstOrDefault(c => c.CellId == best.CellId)?.Epochs.FirstOrDefault(e => e.Epoch == best.Epoch) is { } epoch
            ? Objective.Reported(epoch, Objective.ValidationAccuracy)
            : null;

    /// <summary>A cell's parameters by name: numbers as JSON numbers, choices as strings.</summary>
    public static Dictionary<string, object> ParamsMap(CellParameters parameters) => parameters.Values
        .ToDictionary(s => s.Name, s => s.Value.IsText ? s.Value.Text! : (object)s.Value.Number);
}

/// <summary>The listed values of the baseline's three parameters (kept for tools written against earlier results).</summary>
public sealed record GridDocument(double[] Lr, int[] BatchSize, int[] Epochs)
{
    public static GridDocument From(SweepSnapshot sweep) => sweep.Spec.Program is not null
        ? new([], [], sweep.Cells.Select(t => t.Parameters.Epochs).Distinct().ToArray())
        : new(
        sweep.Cells.Select(t => t.Parameters.LearningRate).Distinct().ToArray(),
        sweep.Cells.Select(t => t.Parameters.BatchSize).Distinct().ToArray(),
        sweep.Cells.Select(t => t.Parameters.Epochs).Distinct().ToArray());
}

/// <summary>How the cells were chosen and stopped: the searcher, its space, and the scheduler.</summary>
public sealed record SearchDocument(string Searcher, int? Samples, SchedulerDocument Scheduler, Dictionary<string, object> Space)
{
    /// <summary>Hyperband's brackets, in the order they take the sweep's cells; null for other schedulers.</summary>
    public IReadOnlyList<HyperbandBracket>? Brackets { get; init; }

    /// <summary>The earlier sweep a searcher started from (<c>--from</c>) and how many of its finished cells it was told; null for a cold start.</summary>
    public WarmStartDocument? WarmStart { get; init; }

    /// <summary>The epochs the sweep may train in all (max_epochs); null: no limit.</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>The seconds the sweep may run (time_budget); null: no limit.</summary>
    public double? TimeBudgetSeconds { get; init; }

    public static SearchDocument From(SweepSpec spec) => new(
        spec.Search,
        spec.Search == "grid" ? null : spec.Samples,
        new SchedulerDocument(spec.Scheduler?.Name ?? SchedulerNames.Fifo, spec.Scheduler?.ReductionFactor ?? 3,
            spec.Scheduler?.MinEpochs ?? 1, spec.Scheduler?.MinSamples ?? 3)
        {
            Interval = spec.Scheduler is { Name: SchedulerNames.Pbt } pbt ? pbt.Interval : null,
            Quantile = spec.Scheduler is { Name: SchedulerNames.Pbt } ? spec.Scheduler.Quantile : null,
            ResampleProbability = spec.Scheduler is { Name: SchedulerNames.Pbt } ? spec.Scheduler.ResampleProbability : null,
        },
        spec.Space.ToDictionary(d => d.Name, d => d.Range is { } r
            ? new { min = r.Min, max = r.Max, scale = r.Scale.ToString().ToLowerInvariant(), count = r.Count }
            : (object)d.DistinctValues.Select(v => v.IsText ? v.Text! : (object)v.Number).ToArray()))
    {
        Brackets = HyperbandSchedule.Of(spec),
        WarmStart = spec.WarmStart is { } warm ? new WarmStartDocument(warm.FromSweep, warm.Results.Length) : null,
        MaxEpochs = spec.MaxEpochs > 0 ? spec.MaxEpochs : null,
        TimeBudgetSeconds = spec.TimeBudget?.TotalSeconds,
    };
}

public sealed record WarmStartDocument(string From, int Results);

/// <summary>The winner on the test split: the confusion matrix (rows: true class, columns: predicted) and each class's accuracy.</summary>
public sealed record TestDocument(string[] Classes, long[][] Confusion, Dictionary<string, double?> PerClassAccuracy)
{
    public static TestDocument? From(SweepSnapshot sweep)
    {
        if (sweep.TestConfusion is not { } counts || sweep.Dataset is not { } dataset || counts.Length != dataset.Classes.Length * dataset.Classes.Length)
        {
            return null;
        }

        int classes = dataset.Classes.Length;
        var rows = Enumerable.Range(0, classes).Select(r => counts.Skip(r * classes).Take(classes).ToArray()).ToArray();
        return new TestDocument(dataset.Classes.ToArray(), rows, Enumerable.Range(0, classes).ToDictionary(
            c => dataset.Classes[c], c => rows[c].Sum() == 0 ? (double?)null : (double)rows[c][c] / rows[c].Sum()));
    }
}

public sealed record SchedulerDocument(string Name, int Eta, int MinEpochs, int MinSamples)
{
    /// <summary>pbt: the population is ranked every this many epochs; omitted for other schedulers.</summary>
    public int? Interval { get; init; }

    /// <summary>pbt: the share of the population in the bottom and in the top.</summary>
    public double? Quantile { get; init; }

    /// <summary>pbt: the chance that an explored value is drawn afresh instead of perturbed.</summary>
    public double? ResampleProbability { get; init; }
}

public sealed record DatasetDocument(string Root, string[] Classes, int Images, int Train, int Val, int Test);

public sealed record CellDocument(
    string Id,
    double? Lr,
    int? BatchSize,
    int Epochs,
    string Status,
    double?[] TrainLoss,
    double?[] ValAccuracy,
    int? BestEpoch,
    double? BestValAccuracy,
    double Seconds,
    string? Silo,
    string? Error,
    double WallSeconds)
{
    /// <summary>Every parameter of the cell by name (lr, batch_size and epochs repeat the fields above).</summary>
    public Dictionary<string, object> Params { get; init; } = [];

    /// <summary>The epoch at which the scheduler stopped the cell; null when it was not stopped.</summary>
    public int? StoppedAtEpoch { get; init; }

    /// <summary>
    /// Per epoch, each class's validation accuracy in <c>dataset.classes</c> order (null for a class without
    /// validation images); omitted when not measured (simulated training).
    /// </summary>
    public double?[][]? ValAccuracyPerClass { get; init; }

    /// <summary>The fused group the cell trained in (its runs shared one pass over the data); omitted when it trained alone.</summary>
    public string? FusedGroup { get; init; }

    /// <summary>The s of the Hyperband bracket the cell trained in; omitted for other schedulers.</summary>
    public int? Bracket { get; init; }

    /// <summary>Every metric a user's program reported, by name, one value per epoch; null for the built-in models.</summary>
    public Dictionary<string, double?[]>? Metrics { get; init; }

    /// <summary>pbt: each time the cell went on from another cell's checkpoint, in order; omitted for other schedulers.</summary>
    public ScheduleStepDocument[]? Schedule { get; init; }
}

/// <summary>One step of a cell's schedule under pbt: after which epoch, from which cell's checkpoint, with which values.</summary>
public sealed record ScheduleStepDocument(int AfterEpoch, string From, Dictionary<string, object> Params);

/// <summary>
/// The winner: its cell and epoch, and the sweep's objective there (<c>metric</c>, <c>value</c>). <c>valAccuracy</c> is
/// null for a program that does not report val_accuracy; <c>lr</c> and <c>batchSize</c> for one without such parameters.
/// </summary>
public sealed record BestDocument(string TrialId, double? Lr, int? BatchSize, int Epochs, int Epoch, double? ValAccuracy)
{
    public Dictionary<string, object> Params { get; init; } = [];

    public string Metric { get; init; } = Objective.ValidationAccuracy;

    public double Value { get; init; }
}

public sealed record TimingsDocument(double TotalSeconds, double DecodeSeconds, double TrainSeconds, int EpochsTrained);
