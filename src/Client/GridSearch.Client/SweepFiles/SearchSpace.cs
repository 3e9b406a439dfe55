using GridSearch.Abstractions;

namespace GridSearch.Client.SweepFiles;

/// <summary>Builds a sweep's search space from a sweep file's parameters and the command line's lists.</summary>
public static class SearchSpace
{
    /// <summary>The baseline's values for the three parameters every sweep needs, used when neither source gives them.</summary>
    public static readonly IReadOnlyList<SearchDimension> SeedDefaults =
    [
        SearchDimension.Of(ParameterCatalog.LearningRate, SweepSpec.DefaultLearningRates),
        SearchDimension.Of(ParameterCatalog.BatchSize, SweepSpec.DefaultBatchSizes.Select(b => (double)b)),
        SearchDimension.Of(ParameterCatalog.Epochs, SweepSpec.DefaultEpochs.Select(e => (double)e)),
    ];

    /// <summary>Per parameter: the command line's list if given, else the file's, else the baseline's default.</summary>
    public static SearchDimension[] Merge(IEnumerable<SearchDimension> file, IEnumerable<SearchDimension> commandLine)
    {
        var merged = new Dictionary<string, SearchDimension>();
        foreach (var dimension in SeedDefaults.Concat(file).Concat(commandLine))
        {
            merged[dimension.Name] = dimension;
        }

        return merged.Values.OrderBy(d => ParameterCatalog.Order(d.Name)).ToArray();
    }

    /// <summary>
    /// A program's space: the file's parameters in the order written, a command-line list replacing the file's in its
    /// place or coming after; no defaults (a program's parameters are its own).
    /// </summary>
    public static SearchDimension[] MergeInOrder(IEnumerable<SearchDimension> file, IEnumerable<SearchDimension> commandLine)
    {
        var merged = file.ToList();
        foreach (var dimension in commandLine)
        {
            int at = merged.FindIndex(d => d.Name == dimension.Name);
            if (at < 0)
            {
                merged.Add(dimension);
            }
            else
            {
                merged[at] = dimension;
            }
        }

        return [.. merged];
    }

    /// <summary>A dimension's listed numbers (none for a range), for the spec's compatibility fields.</summary>
    public static IEnumerable<double> Numbers(IEnumerable<SearchDimension> space, string name) =>
        space.FirstOrDefault(d => d.Name == name)?.DistinctValues.Select(v => v.Number) ?? [];
}
