namespace GridSearch.Abstractions;

/// <summary>How a range is spread: evenly, or evenly in the logarithm (learning rates, weight decay).</summary>
public enum RangeScale
{
    Linear,
    Log,
}

/// <summary>
/// A range of numbers to search. Random search draws from it; grid search takes <see cref="Count"/> evenly spread
/// points (both ends included). Numbers taken from a range are rounded to 6 significant digits, so ids stay readable.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.ParameterRange")]
public sealed record ParameterRange(
    [property: Id(0)] double Min,
    [property: Id(1)] double Max,
    [property: Id(2)] RangeScale Scale = RangeScale.Linear,
    [property: Id(3)] int? Count = null);

/// <summary>
/// The values one parameter takes in a sweep: a list, or a range. <see cref="Kind"/> is set only for a program's own
/// parameters whose range holds whole numbers (the built-in parameters' kinds are the catalog's).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridsearch.SearchDimension")]
public sealed record SearchDimension(
    [property: Id(0)] string Name,
    [property: Id(1)] ParameterValue[]? Values = null,
    [property: Id(2)] ParameterRange? Range = null,
    [property: Id(3)] ParameterKind? Kind = null)
{
    public static SearchDimension Of(string name, IEnumerable<double> values) =>
        new(name, values.Select(ParameterValue.Of).ToArray());

    public static SearchDimension Of(string name, IEnumerable<string> values) =>
        new(name, values.Select(ParameterValue.Of).ToArray());

    /// <summary>The list's values, repeats dropped, in the order given.</summary>
    public ParameterValue[] DistinctValues => (Values ?? []).Distinct().ToArray();
}
