namespace GridSearch.Abstractions;

/// <summary>
/// Proposes a sweep's cells from its search space (Ray Tune's searcher role). Pure: the same spec always gives the
/// same cells in the same order, so the coordinator, which owns every cell's state, can rebuild or check them.
/// A new searcher is one class implementing this, registered in <see cref="Searchers"/>.
/// </summary>
public interface ISearcher
{
    string Name { get; }

    /// <summary>What keeps this searcher from using the spec's space (each naming the parameter and the fix).</summary>
    IEnumerable<string> Problems(SweepSpec spec);

    /// <summary>How many cells <see cref="Propose"/> gives, computed without building them.</summary>
    long Count(SweepSpec spec);

    /// <summary>The cells, distinct, in the order they are laid out and named.</summary>
    IEnumerable<CellParameters> Propose(SweepSpec spec);
}
