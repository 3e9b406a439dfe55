using System.Text.RegularExpressions;

namespace GridSearch.Abstractions;

/// <summary>The checks of a sweep whose runs are the user's own program: its command, limits, objective and parameters.</summary>
public static partial class SweepSpecRules
{
    // The names a command's {name} placeholders and GRIDSEARCH_PARAMS keys can carry.
    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]{0,63}\z")]
    private static partial Regex ProgramParameterNamePattern();

    public static bool IsValidProgramParameterName(string? name) => name is not null && ProgramParameterNamePattern().IsMatch(name);

    /// <summary>A program's own parameter as the rules see it: any finite number, or any text in a list.</summary>
    public static ParameterDefinition ProgramParameter(SweepSpec spec, SearchDimension dimension) =>
        dimension.Name == ParameterCatalog.Epochs
            ? ParameterCatalog.Find(ParameterCatalog.Epochs)!
            : new ParameterDefinition(dimension.Name, spec.KindOf(dimension), $"parameter '{dimension.Name}'",
                $"--param {dimension.Name}=VALUES", Default: null, IdPrefix: dimension.Name, IsValidNumber: double.IsFinite,
                Rule: "must be a finite number", Choices: [.. dimension.DistinctValues.Where(v => v.IsText).Select(v => v.Text!)]);

    private static IEnumerable<string> ProgramProblems(SweepSpec spec, ProgramSpec program)
    {
        if (program.Command is not { Length: > 0 } command || string.IsNullOrWhiteSpace(command[0]))
        {
            yield return "the program's command is empty; give the executable and its arguments, for example " +
                         "command: [\"python3\", \"train.py\", \"--lr\", \"{lr}\"]";
        }

        if (program.TestCommand is { } test && (test.Length == 0 || string.IsNullOrWhiteSpace(test[0])))
        {
            yield return "the program's test_command is empty; give the executable and its arguments, for example " +
                         "test_command: [\"python3\", \"test.py\"], or leave it out";
        }

        var names = spec.Space.Select(d => d?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (key, words) in new[] { ("command", program.Command), ("test_command", program.TestCommand) })
        {
            foreach (string unknown in (words ?? []).SelectMany(w => CommandPlaceholders.Names(w ?? "")).Distinct().Where(n => !names.Contains(n)))
            {
                yield return $"the program's {key} refers to {{{unknown}}}, which is not a parameter of the sweep " +
                             $"({string.Join(", ", names)}); add it under parameters: (or --param {unknown}=...), or write {{{{{unknown}}}}} for literal braces";
            }
        }

        if (program.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            yield return $"the program's timeout {timeout} must be above zero, for example 2h";
        }

        if (program.ReportTimeout is { } reportTimeout && reportTimeout <= TimeSpan.Zero)
        {
            yield return $"the program's report_timeout {reportTimeout} must be above zero, for example 10m";
        }

        if (program.Gpus < 0)
        {
            yield return $"the program's gpus {program.Gpus} must be 0 or more";
        }

        if (program.GpuMemoryBytes is { } bytes && (bytes <= 0 || program.Gpus < 1))
        {
            yield return bytes <= 0
                ? "the program's gpu_memory must be above zero, for example gpu_memory: 4GiB"
                : "the program's gpu_memory is the memory a run reserves on each of its GPUs: give gpus: 1 (or more) with it";
        }

        if (program.Gpus > 0 && program.Environment?.ContainsKey("CUDA_VISIBLE_DEVICES") == true)
        {
            yield return $"the program asks for gpus: {program.Gpus} and also sets CUDA_VISIBLE_DEVICES in env:; the trainer chooses " +
                         "each run's devices for gpus:, so drop one of them";
        }

        if (!IsValidProgramParameterName(spec.Objective.Metric))
        {
            yield return $"metric '{spec.Metric}' must be the name of a metric the program reports " +
                         "(letters, digits and '_', for example val_accuracy)";
        }
    }

    // A program's parameters are its own: free names, numbers or texts; only the epoch count keeps the catalog's rule.
    private static IEnumerable<string> ProgramSpaceProblems(SweepSpec spec)
    {
        var space = spec.Space;
        foreach (var repeated in space.GroupBy(d => d.Name).Where(g => g.Count() > 1))
        {
            yield return $"parameter '{repeated.Key}' is given {repeated.Count()} times; give it once";
        }

        if (space.All(d => d.Name != ParameterCatalog.Epochs))
        {
            yield return "the epochs list is empty; give how many epochs a run trains with --epochs (or epochs: in parameters:)";
        }

        foreach (var dimension in space)
        {
            if (!IsValidProgramParameterName(dimension.Name))
            {
                yield return $"parameter name '{dimension.Name}' must be 1-64 letters, digits or '_', not starting with a digit " +
                             "(the command refers to it as {name})";
                continue;
            }

            var definition = ProgramParameter(spec, dimension);
            var problems = dimension.Range is null && dimension.Name != ParameterCatalog.Epochs
                ? ListProblems(definition, dimension)
                : DimensionProblems(definition, dimension);
            foreach (string problem in problems)
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> ListProblems(ParameterDefinition definition, SearchDimension dimension)
    {
        if (dimension.DistinctValues.Length == 0)
        {
            yield return $"the {definition.Label} list is empty; give at least one value";
        }

        foreach (var value in dimension.DistinctValues.Where(v => !v.IsText && !double.IsFinite(v.Number)))
        {
            yield return $"{definition.Label} {value} {definition.Rule}";
        }
    }
}
