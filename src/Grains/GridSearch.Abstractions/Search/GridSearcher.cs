namespace GridSearch.Abstractions;

/// <summary>
/// Every combination of the space's values, in odometer order with the parameters in catalog order (the learning rate
/// outermost, the epoch count innermost: Python's <c>itertools.product(lr, batch_size, epochs)</c> for the baseline's
/// grid), repeated values dropped. A range takes part with its <c>count</c> evenly spread points.
/// </summary>
public sealed class GridSearcher : ISearcher
{
    public string Name => "grid";

    public bool LearnsFromResults => false;

    public IEnumerable<string> Problems(SweepSpec spec) => spec.Space
        .Where(d => d.Range is { Count: null })
        .Select(d => $"{d.Name} is a range without a count: grid search needs one (for example count: 8 for 8 evenly " +
                     "spread values), or use random search (--search random --samples N)");

    // Architecture parameters of a model not chosen collapse cells together: count them when there are few enough to list.
    public long Count(SweepSpec spec)
    {
        long product = spec.Space.Aggregate(1L, (product, d) => product * Values(spec, d).Length);
        return product <= 1_000_000 ? Combinations(spec).Distinct().LongCount() : product;
    }

    public IEnumerable<CellParameters> Ask(SweepSpec spec, SearchHistory history) =>
        Combinations(spec).Distinct().Skip(history.Asked.Count);

    private static IEnumerable<CellParameters> Combinations(SweepSpec spec)
    {
        var dimensions = spec.Space.Select(d => (d.Name, Values: Values(spec, d))).ToArray();
        if (dimensions.Any(d => d.Values.Length == 0))
        {
            yield break;
        }

        var digits = new int[dimensions.Length];
        while (true)
        {
            yield return CellParameters.For(spec, Enumerable.Range(0, dimensions.Length)
                .ToDictionary(i => dimensions[i].Name, i => dimensions[i].Values[digits[i]]));
            int position = dimensions.Length - 1;
            while (position >= 0 && ++digits[position] == dimensions[position].Values.Length)
            {
                digits[position--] = 0;
            }

            if (position < 0)
            {
                yield break;
            }
        }
    }

    private static ParameterValue[] Values(SweepSpec spec, SearchDimension dimension) => dimension.Range is { } range
        ? RangeValues.Grid(range, spec.KindOf(dimension))
        : dimension.DistinctValues;
}
