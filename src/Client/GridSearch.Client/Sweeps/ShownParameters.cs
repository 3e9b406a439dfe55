using GridSearch.Abstractions;

namespace GridSearch.Client.Sweeps;

/// <summary>
/// Which parameters a view of a sweep shows: the baseline's three always, the others when some cell sets them; a
/// program's own parameters, all of them, and its epoch count.
/// </summary>
public static class ShownParameters
{
    private static readonly string[] Always = [ParameterCatalog.LearningRate, ParameterCatalog.BatchSize, ParameterCatalog.Epochs];

    public static IReadOnlyList<ParameterDefinition> Of(IEnumerable<CellParameters> cells)
    {
        var all = cells as IReadOnlyCollection<CellParameters> ?? cells.ToArray();
        if (all.FirstOrDefault(c => c.IsProgram) is { } program)
        {
            return program.Values.Select(s => s.Name == ParameterCatalog.Epochs
                ? ParameterCatalog.Find(ParameterCatalog.Epochs)!
                : new ParameterDefinition(s.Name, ParameterKind.Float, s.Name, "", null, s.Name)).ToArray();
        }

        var set = all.SelectMany(c => c.Extra.Select(s => s.Name)).ToHashSet();
        return ParameterCatalog.All.Where(p => Always.Contains(p.Name) || set.Contains(p.Name)).ToArray();
    }

    /// <summary><c>lr=0.01, batch size=16, epochs=10</c> and the other shown parameters.</summary>
    public static string Describe(CellParameters cell, IEnumerable<ParameterDefinition> shown) =>
        string.Join(", ", shown.Select(p => $"{p.Label}={cell.Get(p.Name)}"));
}
