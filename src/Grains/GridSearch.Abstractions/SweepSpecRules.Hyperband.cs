namespace GridSearch.Abstractions;

// What Hyperband needs of a sweep: one epoch count to split into brackets, and exactly its brackets' cells, drawn at
// random or proposed by TPE (BOHB).
public static partial class SweepSpecRules
{
    public static IEnumerable<string> HyperbandProblems(SweepSpec spec)
    {
        if (spec.Scheduler?.Name != SchedulerNames.Hyperband || spec.Scheduler.ReductionFactor < 2)
        {
            yield break;
        }

        int eta = spec.Scheduler.ReductionFactor;
        var epochs = spec.Space.FirstOrDefault(d => d.Name == ParameterCatalog.Epochs);
        var counts = epochs is { Range: null } ? epochs.DistinctValues.Select(v => v.Number).ToArray() : [];
        if (counts.Length != 1 || counts[0] < eta)
        {
            yield return $"hyperband splits one epoch count into brackets: give epochs a single value of at least eta ({eta}), " +
                         "the most any cell trains (for example --epochs 27 with --eta 3)";
            yield break;
        }

        if (spec.Search is not ("random" or "bohb"))
        {
            yield return "hyperband fills its brackets with cells drawn at random (--search random) or proposed by TPE " +
                         $"from the results so far (--search bohb), not by {spec.Search}";
            yield break;
        }

        var brackets = HyperbandSchedule.For((int)counts[0], eta);
        int total = brackets.Sum(b => b.Cells);
        if (spec.Samples != total)
        {
            yield return $"hyperband with {counts[0]} epochs and eta {eta} trains {brackets.Count} brackets of " +
                         $"{string.Join(", ", brackets.Select(b => b.Cells))} cells: pass --samples {total}";
        }
    }
}
