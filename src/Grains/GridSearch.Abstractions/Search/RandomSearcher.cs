namespace GridSearch.Abstractions;

/// <summary>
/// <see cref="SweepSpec.Samples"/> cells drawn from the space: a list's values with equal chance, a range uniformly
/// (or log-uniformly). The draws come from the sweep seed only, so the same seed gives the same cells on every
/// machine; a repeated cell is drawn again, so all cells are distinct.
/// </summary>
public sealed class RandomSearcher : ISearcher
{
    private const ulong SearchStream = 0x5EA2_C400_0000_0003;

    public string Name => "random";

    public bool LearnsFromResults => false;

    public IEnumerable<string> Problems(SweepSpec spec)
    {
        if (spec.Samples < 1)
        {
            yield return $"random search needs --samples (or samples: in the sweep file) of at least 1, not {spec.Samples}";
            yield break;
        }

        if (DistinctCells(spec) is { } available && available < spec.Samples)
        {
            yield return $"random search asks for {spec.Samples} samples but the space has only {available} distinct cells; " +
                         $"lower --samples to at most {available}, widen the space, or use --search grid";
        }
    }

    public long Count(SweepSpec spec) => Math.Max(0, spec.Samples);

    public IEnumerable<CellParameters> Ask(SweepSpec spec, SearchHistory history) => Draws(spec).Skip(history.Asked.Count);

    private static IEnumerable<CellParameters> Draws(SweepSpec spec)
    {
        var random = new SweepRandom(unchecked((ulong)spec.Seed) ^ SearchStream);
        var dimensions = spec.Space;
        var drawn = new HashSet<CellParameters>();
        // Each new cell takes a few draws at most unless the space is nearly exhausted; give up well after that.
        long attemptsLeft = 1000L * Math.Max(1, spec.Samples);
        while (drawn.Count < spec.Samples && attemptsLeft-- > 0)
        {
            var cell = CellParameters.For(spec, dimensions.ToDictionary(d => d.Name, d => Draw(spec, d, random)));
            if (drawn.Add(cell))
            {
                yield return cell;
            }
        }
    }

    /// <summary>One value of a dimension, drawn: a list's with equal chance, a range's uniformly on its scale.</summary>
    public static ParameterValue Draw(SweepSpec spec, SearchDimension dimension, SweepRandom random)
    {
        if (dimension.Range is not { } range)
        {
            var values = dimension.DistinctValues;
            return values[random.NextIndex(values.Length)];
        }

        return RangeValues.Draw(range, spec.KindOf(dimension), random.NextDouble());
    }

    // Lists and whole-number ranges hold finitely many values; a real-number range is taken as unbounded.
    internal static long? DistinctCells(SweepSpec spec)
    {
        long product = 1;
        foreach (var dimension in spec.Space)
        {
            long? size = dimension.Range switch
            {
                null => dimension.DistinctValues.Length,
                { } r when spec.KindOf(dimension) == ParameterKind.Integer =>
                    RangeValues.IntegersIn(r),
                _ => null,
            };
            if (size is not { } n)
            {
                return null;
            }

            product = n == 0 ? 0 : (product > long.MaxValue / n ? long.MaxValue : product * n);
        }

        return product;
    }
}
