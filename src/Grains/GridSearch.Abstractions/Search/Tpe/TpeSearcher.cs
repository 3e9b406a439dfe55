namespace GridSearch.Abstractions;

/// <summary>
/// Tree-structured Parzen Estimator search: after a few random cells, the finished cells are split into the best tenth
/// (at most 25) and the rest, each parameter's values in either part are smoothed into a density (l for the good, g for
/// the rest), and the next cell takes, for each parameter, the best of 24 draws from l by l(x)/g(x) (for ranges, with
/// the kernels at equal height: see <see cref="NumericParzen"/>). Parameters are modelled one at a time, as Optuna's
/// default TPE does.
/// <para>
/// Every draw comes from a random sequence of the sweep seed and the cell's position in the sweep, so a given history
/// gives the same cell on every machine, and a resumed sweep, which keeps the cells it was given, asks again from the
/// same history. Cells stopped early by a scheduler rank below every cell that trained all its epochs.
/// </para>
/// </summary>
public sealed class TpeSearcher : ISearcher
{
    /// <summary>Cells drawn at random before the estimators take over.</summary>
    public const int StartupCells = 10;

    private const int Candidates = 24;
    private const int MostGoodCells = 25;
    private const ulong SearchStream = 0x79E5_0000_0000_0007;

    public string Name => "tpe";

    public bool LearnsFromResults => true;

    public IEnumerable<string> Problems(SweepSpec spec)
    {
        if (spec.Samples < 1)
        {
            yield return $"tpe search needs --samples (or samples: in the sweep file) of at least 1, not {spec.Samples}: " +
                         "the number of cells it may try";
            yield break;
        }

        if (spec.Scheduler.Name == SchedulerNames.Halving)
        {
            yield return "tpe search proposes cells one at a time, but --scheduler halving decides on all cells at once: " +
                         "use --scheduler asha or median with tpe";
        }

        if (RandomSearcher.DistinctCells(spec) is { } available && available < spec.Samples)
        {
            yield return $"tpe search asks for {spec.Samples} samples but the space has only {available} distinct cells; " +
                         $"lower --samples to at most {available}, widen the space, or use --search grid";
        }
    }

    public long Count(SweepSpec spec) => Math.Max(0, spec.Samples);

    public IEnumerable<CellParameters> Ask(SweepSpec spec, SearchHistory history)
    {
        // A warm start's cells are known already: they are not proposed again, and count towards the start-up phase.
        var taken = new HashSet<CellParameters>(history.Asked.Concat(history.Prior.Select(r => r.Parameters)));
        var model = history.Results.Count + history.Prior.Count >= StartupCells ? new Model(spec, history) : null;
        for (int position = history.Asked.Count; position < spec.Samples; position++)
        {
            var random = new SweepRandom(unchecked(((ulong)spec.Seed ^ SearchStream) + (ulong)position * 0xD1B5_4A32_D192_ED03));
            var cell = Suggest(spec, model, random, taken);
            if (cell is null)
            {
                yield break; // the space holds no cell not yet tried
            }

            taken.Add(cell);
            yield return cell;
        }
    }

    private static CellParameters? Suggest(SweepSpec spec, Model? model, SweepRandom random, HashSet<CellParameters> taken)
    {
        // A suggestion already tried is drawn again: first from the estimators, then at random.
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            var values = spec.Space.ToDictionary(d => d.Name,
                d => model is not null && attempt < 32 ? model.Suggest(d, random) : RandomSearcher.Draw(spec, d, random));
            var cell = CellParameters.For(spec, values);
            if (!taken.Contains(cell))
            {
                return cell;
            }
        }

        return null;
    }

    /// <summary>The good and the other finished cells, ranked once per ask.</summary>
    private sealed class Model
    {
        private readonly SweepSpec _spec;
        private readonly CellResult[] _good;
        private readonly CellResult[] _rest;
        private readonly Dictionary<CellParameters, int> _order;

        public Model(SweepSpec spec, SearchHistory history)
        {
            _spec = spec;
            // A warm start's results come first, in their order, then this sweep's cells in the order asked.
            _order = history.Prior.Select(r => r.Parameters).Concat(history.Asked).Select((cell, index) => (cell, index))
                .DistinctBy(p => p.cell).ToDictionary(p => p.cell, p => p.index);
            var ranked = history.Prior.Concat(history.Results)
                .OrderBy(r => r.StoppedEarly)
                .ThenByDescending(r => r.StoppedEarly ? r.EpochsTrained : 0)
                .ThenByDescending(r => r.Score)
                .ThenBy(Position)
                .ToArray();
            int good = Math.Min(MostGoodCells, (int)Math.Ceiling(0.1 * ranked.Length));
            _good = ranked.Take(good).OrderBy(Position).ToArray();
            _rest = ranked.Skip(good).OrderBy(Position).ToArray();
        }

        private int Position(CellResult result) => _order.GetValueOrDefault(result.Parameters, int.MaxValue);

        public ParameterValue Suggest(SearchDimension dimension, SweepRandom random) => dimension.Range is { } range
            ? SuggestNumber(dimension, range, random)
            : SuggestChoice(dimension, random);

        private ParameterValue SuggestNumber(SearchDimension dimension, ParameterRange range, SweepRandom random)
        {
            var kind = _spec.KindOf(dimension);
            if (range.Max <= range.Min)
            {
                return RangeValues.Draw(range, kind, 0);
            }

            var good = Estimator(_good);
            var rest = Estimator(_rest);
            ParameterValue best = default;
            double bestRatio = double.NegativeInfinity;
            for (int i = 0; i < Candidates; i++)
            {
                var value = RangeValues.Draw(range, kind, good.Sample(random));
                double at = Fraction(range, value.Number);
                double ratio = good.LogScore(at) - rest.LogScore(at);
                if (ratio > bestRatio)
                {
                    (best, bestRatio) = (value, ratio);
                }
            }

            return best;

            NumericParzen Estimator(CellResult[] cells)
            {
                var observed = cells.Select(c => c.Parameters.Get(dimension.Name).Number)
                    .Where(v => v >= range.Min && v <= range.Max).Select(v => Fraction(range, v)).ToArray();
                return new NumericParzen(observed, Weights(observed.Length), 0, 1);
            }
        }

        private ParameterValue SuggestChoice(SearchDimension dimension, SweepRandom random)
        {
            var values = dimension.DistinctValues;
            var good = Estimator(_good);
            var rest = Estimator(_rest);
            int best = 0;
            double bestRatio = double.NegativeInfinity;
            for (int i = 0; i < Candidates; i++)
            {
                int choice = good.Sample(random);
                double ratio = good.LogDensity(choice) - rest.LogDensity(choice);
                if (ratio > bestRatio)
                {
                    (best, bestRatio) = (choice, ratio);
                }
            }

            return values[best];

            ChoiceParzen Estimator(CellResult[] cells)
            {
                var observed = cells.Select(c => Array.IndexOf(values, c.Parameters.Get(dimension.Name))).Where(i => i >= 0).ToArray();
                return new ChoiceParzen(values.Length, observed, Weights(observed.Length));
            }
        }

        // Where a value lies in its range, 0 to 1, on the range's scale.
        private static double Fraction(ParameterRange range, double value) => range.Scale == RangeScale.Log
            ? (Math.Log(value) - Math.Log(range.Min)) / (Math.Log(range.Max) - Math.Log(range.Min))
            : (value - range.Min) / (range.Max - range.Min);

        // Older cells count less once there are many: the latest 25 weigh 1, earlier ones ramp up from 1/n.
        private static double[] Weights(int count)
        {
            if (count <= MostGoodCells)
            {
                return Enumerable.Repeat(1.0, count).ToArray();
            }

            int ramp = count - MostGoodCells;
            return Enumerable.Range(0, ramp)
                .Select(i => ramp == 1 ? 1.0 / count : 1.0 / count + i * (1.0 - 1.0 / count) / (ramp - 1))
                .Concat(Enumerable.Repeat(1.0, MostGoodCells)).ToArray();
        }
    }
}
