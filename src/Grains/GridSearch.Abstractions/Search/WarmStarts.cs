namespace GridSearch.Abstractions;

/// <summary>
/// What a sweep may take from an earlier one to start from (<c>--from SWEEP</c>): the earlier sweep's finished cells,
/// scored by the new sweep's objective, when both search the same parameters for the same objective. Cells whose
/// values lie outside the new sweep's space are left out: a model fitted to them would propose cells there.
/// </summary>
public static class WarmStarts
{
    public sealed record Taken(CellResult[] Results, int OutsideSpace, IReadOnlyList<string> Problems);

    public static Taken From(SweepSnapshot earlier, SweepSpec spec)
    {
        string from = earlier.SweepId;
        var problems = new List<string>();
        if ((earlier.Spec.Program is null) != (spec.Program is null))
        {
            problems.Add($"sweep {from} tuned {(earlier.Spec.Program is null ? "a built-in model" : "a program")}, this sweep " +
                         $"{(spec.Program is null ? "a built-in model" : "a program")}: start from a sweep of the same kind");
        }

        if (earlier.Spec.Objective != spec.Objective)
        {
            problems.Add($"sweep {from} optimised {earlier.Spec.Objective}, this sweep {spec.Objective}: their scores do not compare; " +
                         "start from a sweep with the same metric and mode");
        }

        var names = Searched(spec);
        var earlierNames = Searched(earlier.Spec);
        if (!names.SetEquals(earlierNames))
        {
            problems.Add($"sweep {from} searched {string.Join(", ", earlierNames.Order())}, this sweep searches " +
                         $"{string.Join(", ", names.Order())}: a warm start needs the same parameters");
        }

        if (problems.Count > 0)
        {
            return new Taken([], 0, problems);
        }

        var finished = earlier.Cells.Where(c => c.Status is CellStatus.Completed or CellStatus.Stopped && c.Epochs.Length > 0).ToArray();
        var inside = finished.Where(c => spec.Space.Where(d => d.Name != ParameterCatalog.Epochs).All(d => Holds(d, c.Parameters.Get(d.Name)))).ToArray();
        if (inside.Length == 0)
        {
            problems.Add(finished.Length == 0
                ? $"sweep {from} has no finished cell to start from"
                : $"none of the {finished.Length} finished cells of sweep {from} lies in this sweep's space; widen the space or start cold");
        }

        var objective = spec.Objective;
        return new Taken(
            [.. inside.Select(c => new CellResult(c.Parameters, c.Epochs.Max(objective.Score), c.Epochs.Length, c.Status == CellStatus.Stopped))],
            finished.Length - inside.Length, problems);
    }

    // The parameters a sweep searches, its epoch count aside (how long the cells trained may differ).
    private static HashSet<string> Searched(SweepSpec spec) =>
        spec.Space.Select(d => d.Name).Where(n => n != ParameterCatalog.Epochs).ToHashSet(StringComparer.Ordinal);

    private static bool Holds(SearchDimension dimension, ParameterValue value) => dimension.Range is { } range
        ? !value.IsText && value.Number >= Math.Min(range.Min, range.Max) && value.Number <= Math.Max(range.Min, range.Max)
        : dimension.DistinctValues.Contains(value);
}
