using GridSearch.Abstractions;

namespace GridSearch.Coordinator.Scheduling;

/// <summary>
/// Population-based training's explore step, as Ray Tune's PBT does it: each value is drawn afresh from its dimension
/// with the scheduler's resample probability; otherwise a range's value is multiplied by 0.8 or 1.2 (clipped to the
/// range) and a list's moves to a neighbouring entry. Epochs stay as they are. Every draw comes from the given
/// <see cref="SweepRandom"/>, so the same seed explores the same way on every machine.
/// </summary>
public sealed class PbtExplorer(SweepSpec spec, SweepRandom random)
{
    private static readonly double[] Factors = [0.8, 1.2];

    public CellParameters Explore(CellParameters from)
    {
        var values = new Dictionary<string, ParameterValue>();
        foreach (var dimension in spec.Space)
        {
            var current = from.Get(dimension.Name);
            values[dimension.Name] = dimension.Name == ParameterCatalog.Epochs ? current : Explore(dimension, current);
        }

        return CellParameters.For(spec, values).WithEpochs(from.Epochs);
    }

    private ParameterValue Explore(SearchDimension dimension, ParameterValue current)
    {
        if (random.NextDouble() < spec.Scheduler!.ResampleProbability)
        {
            return RandomSearcher.Draw(spec, dimension, random);
        }

        if (dimension.Range is { } range)
        {
            return RangeValues.Within(range, spec.KindOf(dimension), current.Number * Factors[random.NextIndex(Factors.Length)]);
        }

        var entries = dimension.DistinctValues;
        int at = Array.IndexOf(entries, current);
        if (at < 0)
        {
            return entries[random.NextIndex(entries.Length)];
        }

        int step = random.NextIndex(2) == 0 ? -1 : 1;
        return entries[Math.Clamp(at + step, 0, entries.Length - 1)];
    }
}
