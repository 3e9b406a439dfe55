namespace GridSearch.Abstractions;

/// <summary>
/// BOHB (Falkner et al. 2018): Hyperband's brackets (<c>--scheduler hyperband</c>) filled with TPE's cells instead of
/// random ones. Each cell is asked when a slot frees up, from the results so far: cells a bracket stopped at a rung rank
/// below every cell that went further, and among cells that reached the same epoch by their score, as TPE ranks cells
/// stopped early. Reproducible as TPE is: the same seed and history give the same cell.
/// </summary>
public sealed class BohbSearcher : ISearcher
{
    private static readonly TpeSearcher Tpe = new();

    public string Name => "bohb";

    public bool LearnsFromResults => true;

    public IEnumerable<string> Problems(SweepSpec spec)
    {
        if (spec.Scheduler?.Name != SchedulerNames.Hyperband)
        {
            yield return "bohb fills Hyperband's brackets: add --scheduler hyperband (with one epoch count, for example " +
                         "--epochs 9, and --samples as its message says)";
            yield break;
        }

        foreach (string problem in Tpe.Problems(spec))
        {
            yield return problem.Replace("tpe search", "bohb search", StringComparison.Ordinal);
        }
    }

    public long Count(SweepSpec spec) => Tpe.Count(spec);

    public IEnumerable<CellParameters> Ask(SweepSpec spec, SearchHistory history) => Tpe.Ask(spec, history);
}
