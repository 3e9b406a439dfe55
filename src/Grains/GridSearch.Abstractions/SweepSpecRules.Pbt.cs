namespace GridSearch.Abstractions;

// What population-based training needs of a sweep: one epoch count that the population trains in intervals, a
// population laid out when the sweep is created (grid or random), and at least two members to compare.
public static partial class SweepSpecRules
{
    public static IEnumerable<string> PbtProblems(SweepSpec spec)
    {
        if (spec.Scheduler?.Name != SchedulerNames.Pbt || spec.Scheduler.Interval < 1)
        {
            yield break;
        }

        int interval = spec.Scheduler.Interval;
        var epochs = spec.Space.FirstOrDefault(d => d.Name == ParameterCatalog.Epochs);
        var counts = epochs is { Range: null } ? epochs.DistinctValues.Select(v => v.Number).ToArray() : [];
        if (counts.Length != 1 || counts[0] <= interval)
        {
            yield return $"pbt trains the whole population for one epoch count, in intervals of {interval}: give epochs a single " +
                         $"value above the interval (for example --epochs {interval * 4} with --pbt-interval {interval})";
            yield break;
        }

        if (spec.Search is not ("grid" or "random"))
        {
            yield return $"pbt's population is laid out when the sweep is created (--search grid or random), not proposed by {spec.Search}";
            yield break;
        }

        if (spec.Search == "random" ? spec.Samples < 2 : SweepCells.Of(spec).Take(2).Count() < 2)
        {
            yield return "pbt needs a population of at least two cells to compare: widen the space or raise --samples";
        }
    }
}
