using System.Text.RegularExpressions;

namespace GridSearch.Abstractions;

/// <summary>Checks a sweep spec and reports every problem at once, each naming the value and the fix.</summary>
public static partial class SweepSpecRules
{
    public const long LargeGridCells = 10_000;

    /// <summary>The highest --max-image-pixels: the decoder's memory ceiling (4 GiB) holds a frame of about this size.</summary>
    public const long MaxImagePixelsLimit = 500_000_000;

    /// <summary>Image sides a sweep may ask for: the cnn's three poolings need 8; above 1024 a data set rarely fits memory.</summary>
    public const int MinImageSize = 8;

    public const int MaxImageSize = 1024;

    /// <summary>Most runs in one fused group: beyond this a group's stacked weights stop paying for themselves on a CPU slot.</summary>
    public const int MaxFusedGroupSize = 256;

    // \z, not $: '$' also matches before a final newline, which would let "abc\n" through as an id.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z")]
    private static partial Regex SweepIdPattern();

    public static bool IsValidSweepId(string? sweepId) => sweepId is not null && SweepIdPattern().IsMatch(sweepId);

    public static string SweepIdProblem(string? sweepId) =>
        $"sweep id '{sweepId}' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /// <summary>Problems that need no data; <see cref="DataProblems"/> adds those that depend on the split sizes.</summary>
    public static IReadOnlyList<string> Problems(SweepSpec spec)
    {
        var problems = new List<string>();
        problems.AddRange(SpaceProblems(spec));
        problems.AddRange(spec.Scheduler is null ? ["the scheduler is missing; name one of " + string.Join(", ", SchedulerNames.All)] : SchedulerProblems(spec.Scheduler));
        if (Searchers.Find(spec.Search) is not { } searcher)
        {
            problems.Add($"unknown search '{spec.Search}'; use one of {string.Join(", ", Searchers.Names)}");
        }
        else if (problems.Count == 0)
        {
            problems.AddRange(HyperbandProblems(spec));
            problems.AddRange(PbtProblems(spec));
            problems.AddRange(problems.Count == 0 ? searcher.Problems(spec) : []);
            if (spec.WarmStart is { } warm && !searcher.LearnsFromResults)
            {
                problems.Add($"--from {warm.FromSweep} starts a searcher that learns from results, but {searcher.Name} search " +
                             "lays out its cells without them: use --search tpe (or bohb)");
            }

            long cells = problems.Count == 0 ? searcher.Count(spec) : 0;
            if (cells > LargeGridCells && !spec.AllowLargeGrid)
            {
                problems.Add($"the grid has {cells:N0} cells, over the limit of {LargeGridCells:N0}; narrow it or pass --allow-large-grid");
            }
        }

        if (spec.MaxEpochs < 0)
        {
            problems.Add($"max_epochs {spec.MaxEpochs} must be 0 (no limit) or more: the epochs the sweep may train in all");
        }

        if (spec.TimeBudget is { } budget && budget <= TimeSpan.Zero)
        {
            problems.Add($"time_budget {budget} must be above zero, for example 2h");
        }

        if (spec.Program is { } program)
        {
            problems.AddRange(ProgramProblems(spec, program));
        }
        else if (spec.Objective != Objective.Default)
        {
            problems.Add($"the built-in models are tuned for val_accuracy (max), not {spec.Objective}; metric and mode " +
                         "choose a program's objective");
        }

        if (spec.Program is null && string.IsNullOrWhiteSpace(spec.DataRoot))
        {
            problems.Add("the data root is empty; pass --data with an ImageFolder root");
        }

        if (!(spec.TrainFraction > 0 && spec.ValidationFraction > 0 && spec.TrainFraction + spec.ValidationFraction < 1))
        {
            problems.Add($"split fractions train={spec.TrainFraction} and validation={spec.ValidationFraction} must be positive and sum to less than 1");
        }

        if (spec.MaxConcurrent < 0)
        {
            problems.Add($"max concurrent {spec.MaxConcurrent} must be 0 (as many as there are trainer slots) or more");
        }

        if (spec.RetriesPerRun < 0)
        {
            problems.Add($"retries per run {spec.RetriesPerRun} must be 0 or more");
        }

        if (spec.MaxImagePixels is < 1 or > MaxImagePixelsLimit)
        {
            problems.Add($"max image pixels {spec.MaxImagePixels} must be between 1 and {MaxImagePixelsLimit:N0}");
        }

        if (spec.ImageSize is < MinImageSize or > MaxImageSize)
        {
            problems.Add($"image size {spec.ImageSize} must be between {MinImageSize} and {MaxImageSize} pixels (the baseline's is {SweepSpec.DefaultImageSize})");
        }

        if (spec.FusedGroupSize is < 0 or > MaxFusedGroupSize)
        {
            problems.Add($"fused group size {spec.FusedGroupSize} must be between 1 (nothing fuses) and {MaxFusedGroupSize}, or 0 (automatic: {SweepSpec.CpuFusedGroupSize} on CPU trainers, as many as fit on a GPU)");
        }

        return problems;
    }

    /// <summary>
    /// Problems that depend on the data set, such as a batch larger than the training split. A user's program reads its
    /// own data, and its parameters mean what it makes of them: none.
    /// </summary>
    public static IReadOnlyList<string> DataProblems(SweepSpec spec, DatasetSummary dataset) => spec.Program is not null ? [] : spec.Space
        .Where(d => d.Name == ParameterCatalog.BatchSize)
        .SelectMany(d => d.Range is { } r ? [(int)Math.Floor(r.Max)] : d.DistinctValues.Select(v => (int)v.Number))
        .Distinct()
        .Where(b => b > dataset.Train)
        .Select(b => $"batch size {b} is larger than the training split ({dataset.Train} images); use at most {dataset.Train}")
        .ToArray();

    /// <summary>
    /// A positive value that stays positive and finite as the model's float32: the trainer works in 32-bit floats, so
    /// 1e308 or 1e-50 would overflow to infinity or underflow to zero there.
    /// </summary>
    public static bool IsPositiveFloat32(double value) => double.IsFinite(value) && value > 0
                                                          && float.IsFinite((float)value) && (float)value > 0;

    /// <summary>Unknown or repeated parameters, missing required ones, and every value or range a parameter does not allow.</summary>
    public static IEnumerable<string> SpaceProblems(SweepSpec spec)
    {
        var space = spec.Space;
        // A client other than the CLI can send anything the wire format holds, nulls included.
        if (space.Any(d => d is null || d.Name is null))
        {
            yield return $"a parameter has no name; name each one of {string.Join(", ", ParameterCatalog.All.Select(p => p.Name))}";
            yield break;
        }

        if (spec.Program is not null)
        {
            foreach (string problem in ProgramSpaceProblems(spec))
            {
                yield return problem;
            }

            yield break;
        }

        foreach (var repeated in space.GroupBy(d => d.Name).Where(g => g.Count() > 1))
        {
            yield return $"parameter '{repeated.Key}' is given {repeated.Count()} times; give it once";
        }

        foreach (var required in ParameterCatalog.All.Where(p => p.Default is null && space.All(d => d.Name != p.Name)))
        {
            yield return $"the {required.Label} list is empty; give at least one value with {required.Option}";
        }

        foreach (var dimension in space)
        {
            if (ParameterCatalog.Find(dimension.Name) is not { } definition)
            {
                yield return ParameterCatalog.UnknownProblem(dimension.Name);
                continue;
            }

            foreach (string problem in DimensionProblems(definition, dimension))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> DimensionProblems(ParameterDefinition definition, SearchDimension dimension)
    {
        if (dimension.Range is null)
        {
            if (dimension.DistinctValues.Length == 0)
            {
                yield return $"the {definition.Label} list is empty; give at least one value with {definition.Option}";
            }

            foreach (string problem in dimension.DistinctValues.Select(definition.Problem).OfType<string>().Distinct())
            {
                yield return problem;
            }

            yield break;
        }

        var range = dimension.Range;
        if (dimension.Values is { Length: > 0 })
        {
            yield return $"{definition.Name} has both a list of values and a range; give one of them";
        }

        if (definition.Kind == ParameterKind.Choice)
        {
            yield return $"{definition.Name} takes one of {string.Join(", ", definition.Choices!)}, not a range; give a list";
            yield break;
        }

        foreach (string problem in new[] { range.Min, range.Max }.Distinct()
                     .Select(v => definition.Problem(ParameterValue.Of(v))).OfType<string>())
        {
            yield return $"{definition.Name} range: {problem}";
        }

        if (!(range.Min <= range.Max))
        {
            yield return $"{definition.Name} range: min {range.Min} is above max {range.Max}";
        }

        if (range.Scale == RangeScale.Log && !(range.Min > 0))
        {
            yield return $"{definition.Name} range: a log scale needs min above 0, not {range.Min}";
        }

        if (range.Count is < 1)
        {
            yield return $"{definition.Name} range: count {range.Count} must be at least 1";
        }

        if (definition.Kind == ParameterKind.Integer && RangeValues.IntegersIn(range) == 0)
        {
            yield return $"{definition.Name} range {range.Min}..{range.Max} holds no whole number";
        }
    }

    /// <summary>An unknown scheduler, or settings it cannot work with.</summary>
    public static IEnumerable<string> SchedulerProblems(SchedulerSpec scheduler)
    {
        if (!SchedulerNames.All.Contains(scheduler.Name))
        {
            yield return $"unknown scheduler '{scheduler.Name}'; use one of {string.Join(", ", SchedulerNames.All)}";
        }

        if (scheduler.ReductionFactor < 2)
        {
            yield return $"the scheduler's reduction factor (eta) {scheduler.ReductionFactor} must be at least 2";
        }

        if (scheduler.MinEpochs < 1)
        {
            yield return $"the scheduler's first rung / grace period (min_epochs) {scheduler.MinEpochs} must be at least 1";
        }

        if (scheduler.MinSamples < 1)
        {
            yield return $"the median rule's min_samples {scheduler.MinSamples} must be at least 1";
        }

        if (scheduler.Interval < 1)
        {
            yield return $"pbt's interval {scheduler.Interval} must be at least 1 epoch";
        }

        if (!(scheduler.Quantile is > 0 and <= 0.5))
        {
            yield return $"pbt's quantile {scheduler.Quantile} must be above 0 and at most 0.5 (the bottom and the top share of the population)";
        }

        if (!(scheduler.ResampleProbability is >= 0 and <= 1))
        {
            yield return $"pbt's resample probability {scheduler.ResampleProbability} must be between 0 and 1";
        }
    }
}
