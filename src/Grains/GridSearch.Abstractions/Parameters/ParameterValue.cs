using System.Globalization;

namespace GridSearch.Abstractions;

/// <summary>One value of a hyperparameter: a number (floats and whole numbers alike) or a choice such as <c>adam</c>.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.ParameterValue")]
public readonly record struct ParameterValue([property: Id(0)] double Number, [property: Id(1)] string? Text)
{
    public static ParameterValue Of(double number) => new(number, null);

    public static ParameterValue Of(string text) => new(0, text);

    public bool IsText => Text is not null;

    /// <summary>The shortest text that reads back as the same value (<c>0.01</c>, <c>16</c>, <c>adam</c>).</summary>
    public override string ToString() => Text ?? Number.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant();
}

/// <summary>A named value, as a cell stores the parameters that differ from their defaults.</summary>
[GenerateSerializer, Immutable, Alias("gridsearch.ParameterSetting")]
public sealed record ParameterSetting([property: Id(0)] string Name, [property: Id(1)] ParameterValue Value);
