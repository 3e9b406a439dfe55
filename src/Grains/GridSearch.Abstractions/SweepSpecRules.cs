using System.Text.RegularExpressions;

namespace GridSearch.Abstractions;

/// <summary>Checks a sweep spec and reports every problem at once, each naming the value and the fix.</summary>
public static partial class SweepSpecRules
{
    public const long LargeGridCells = 10_000;

    /// <summary>The highest --max-image-pixels: the decoder's memory ceiling (4 GiB) holds a frame of about this size.</summary>
    public const long MaxImagePixelsLimit = 500_000_000;

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
        CheckList(problems, "learning rate", "--lr", spec.LearningRates, IsPositiveFloat32,
            lr => $"learning rate {lr} must be a finite number greater than 0 that fits the model's 32-bit floats " +
                  $"(at most {float.MaxValue:G9}, at least {float.Epsilon:G9})");
        CheckList(problems, "batch size", "--batch-size", spec.BatchSizes, b => b >= 1,
            b => $"batch size {b} must be at least 1");
        CheckList(problems, "epoch count", "--epochs", spec.Epochs, e => e >= 1, e => $"epochs {e} must be at least 1");

        long cells = GridExpansion.Count(spec);
        if (cells > LargeGridCells && !spec.AllowLargeGrid)
        {
            problems.Add($"the grid has {cells:N0} cells, over the limit of {LargeGridCells:N0}; narrow it or pass --allow-large-grid");
        }

        if (string.IsNullOrWhiteSpace(spec.DataRoot))
        {
            problems.Add("the data root is empty; pass --data with an ImageFolder root");
        }

        if (!(spec.TrainFraction > 0 && spec.ValidationFraction > 0 && spec.TrainFraction + spec.ValidationFraction < 1))
        {
            problems.Add($"split fractions train={spec.TrainFraction} and validation={spec.ValidationFraction} must be positive and sum to less than 1");
        }

        if (spec.MaxConcurrentTrials < 0)
        {
            problems.Add($"max concurrent trials {spec.MaxConcurrentTrials} must be 0 (as many as there are trainer slots) or more");
        }

        if (spec.RetriesPerTrial < 0)
        {
            problems.Add($"retries per trial {spec.RetriesPerTrial} must be 0 or more");
        }

        if (spec.MaxImagePixels is < 1 or > MaxImagePixelsLimit)
        {
            problems.Add($"max image pixels {spec.MaxImagePixels} must be between 1 and {MaxImagePixelsLimit:N0}");
        }

        return problems;
    }

    /// <summary>Problems that depend on the data set, such as a batch larger than the training split.</summary>
    public static IReadOnlyList<string> DataProblems(SweepSpec spec, DatasetSummary dataset) => spec.BatchSizes
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

    private static void CheckList<T>(List<string> problems, string what, string option, T[]? values, Func<T, bool> valid,
        Func<T, string> describe)
    {
        if (values is null || values.Length == 0)
        {
            problems.Add($"the {what} list is empty; give at least one value with {option}");
            return;
        }

        problems.AddRange(values.Where(v => !valid(v)).Distinct().Select(describe));
    }
}
