namespace GridSearch.Abstractions;

/// <summary>
/// Proposes a sweep's cells. The coordinator asks for cells and tells the searcher what the finished ones scored by
/// passing the sweep's history: a searcher keeps no state of its own, so a resumed sweep (which keeps every cell it
/// was given) asks again from the same history and gets the same next cells.
/// </summary>
public interface ISearcher
{
    string Name { get; }

    /// <summary>
    /// Whether the next cells depend on the results so far. A searcher that does not (grid, random) has every cell laid
    /// out when the sweep is created; one that does is asked for more as trainer slots free up.
    /// </summary>
    bool LearnsFromResults { get; }

    /// <summary>What keeps this searcher from using the spec's space (each naming the parameter and the fix).</summary>
    IEnumerable<string> Problems(SweepSpec spec);

    /// <summary>How many cells the sweep has when its search ends (the budget), computed without building them.</summary>
    long Count(SweepSpec spec);

    /// <summary>
    /// The cells to train next after <see cref="SearchHistory.Asked"/>, distinct from those and from each other, in
    /// the order they are laid out and named; lazily, up to the budget. Each is what the searcher proposes when no
    /// further result comes in, so taking one and asking again once its result is known gives a better next cell.
    /// </summary>
    IEnumerable<CellParameters> Ask(SweepSpec spec, SearchHistory history);
}
