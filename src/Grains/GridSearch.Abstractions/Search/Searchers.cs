namespace GridSearch.Abstractions;

/// <summary>The searchers a sweep may name (<c>--search</c>, <c>search:</c> in a sweep file).</summary>
public static class Searchers
{
    private static readonly Dictionary<string, ISearcher> ByName = new ISearcher[]
    {
        new GridSearcher(),
        new RandomSearcher(),
        new TpeSearcher(),
        new BohbSearcher(),
    }.ToDictionary(s => s.Name);

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static ISearcher? Find(string? name) => name is null ? null : ByName.GetValueOrDefault(name);

    public static ISearcher For(SweepSpec spec) => Find(spec.Search)
        ?? throw new ArgumentException($"unknown search '{spec.Search}'; use one of {string.Join(", ", Names)}");
}

/// <summary>A spec's cells, from its searcher.</summary>
public static class SweepCells
{
    public static long Count(SweepSpec spec) => Searchers.For(spec).Count(spec);

    /// <summary>The cells the searcher proposes before any result is in: for grid and random search, all of them.</summary>
    public static IEnumerable<CellParameters> Of(SweepSpec spec) => Searchers.For(spec).Ask(spec, SearchHistory.Empty);
}
