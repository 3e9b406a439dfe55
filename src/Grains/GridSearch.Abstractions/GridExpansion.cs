namespace GridSearch.Abstractions;

/// <summary>
/// Expands a spec into its grid cells: pure and deterministic, odometer order with the learning rate outermost and
/// the epoch count innermost (Python's <c>itertools.product(lr, batch_size, epochs)</c>), repeated values dropped.
/// </summary>
public static class GridExpansion
{
    /// <summary>The number of cells, computed without building them.</summary>
    public static long Count(SweepSpec spec) =>
        (long)Distinct(spec.LearningRates).Length * Distinct(spec.BatchSizes).Length * Distinct(spec.Epochs).Length;

    public static IEnumerable<TrialParameters> Expand(SweepSpec spec)
    {
        foreach (double lr in Distinct(spec.LearningRates))
        {
            foreach (int batchSize in Distinct(spec.BatchSizes))
            {
                foreach (int epochs in Distinct(spec.Epochs))
                {
                    yield return new TrialParameters(lr, batchSize, epochs);
                }
            }
        }
    }

    private static T[] Distinct<T>(T[]? values) => values is null ? [] : values.Distinct().ToArray();
}
