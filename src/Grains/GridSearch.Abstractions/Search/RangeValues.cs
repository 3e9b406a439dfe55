using System.Globalization;

namespace GridSearch.Abstractions;

/// <summary>Values taken from a <see cref="ParameterRange"/>: evenly spread for grids, drawn for random search.</summary>
public static class RangeValues
{
    public static ParameterValue[] Grid(ParameterRange range, ParameterKind kind)
    {
        int count = Math.Max(1, range.Count ?? 1);
        return Enumerable.Range(0, count)
            .Select(i => At(range, kind, count == 1 ? 0 : (double)i / (count - 1)))
            .Distinct()
            .ToArray();
    }

    /// <summary>The value at <paramref name="fraction"/> (0 to 1) of the way through the range, on its scale.</summary>
    public static ParameterValue Draw(ParameterRange range, ParameterKind kind, double fraction) => At(range, kind, fraction);

    /// <summary>A value moved within the range (population-based training's perturbation): clipped to its ends and rounded like its points.</summary>
    public static ParameterValue Within(ParameterRange range, ParameterKind kind, double value)
    {
        double clipped = Math.Clamp(Round(value), range.Min, range.Max);
        return ParameterValue.Of(kind == ParameterKind.Integer
            ? Math.Clamp(Math.Round(clipped, MidpointRounding.AwayFromZero), Math.Ceiling(range.Min), Math.Floor(range.Max))
            : clipped);
    }

    public static long IntegersIn(ParameterRange range) =>
        Math.Max(0, (long)Math.Floor(range.Max) - (long)Math.Ceiling(range.Min) + 1);

    private static ParameterValue At(ParameterRange range, ParameterKind kind, double fraction)
    {
        double value = range.Scale == RangeScale.Log
            ? Math.Exp(Math.Log(range.Min) + fraction * (Math.Log(range.Max) - Math.Log(range.Min)))
            : range.Min + fraction * (range.Max - range.Min);
        // The ends are exact; rounding keeps inner points readable (0.000268270, not 0.00026826957952797266).
        value = fraction switch { 0 => range.Min, 1 => range.Max, _ => Round(value) };
        return ParameterValue.Of(kind == ParameterKind.Integer
            ? Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), Math.Ceiling(range.Min), Math.Floor(range.Max))
            : value);
    }

    private static double Round(double value) =>
        double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
