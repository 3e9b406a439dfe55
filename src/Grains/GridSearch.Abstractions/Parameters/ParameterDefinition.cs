namespace GridSearch.Abstractions;

/// <summary>What kind of values a hyperparameter takes.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The kinds users read in help and errors: float, integer, choice.")]
public enum ParameterKind
{
    /// <summary>A real number, such as a learning rate; ranges may be linear or log-scaled.</summary>
    Float,

    /// <summary>A whole number, such as a batch size.</summary>
    Integer,

    /// <summary>One of a fixed set of names, such as an optimizer.</summary>
    Choice,
}

/// <summary>
/// A hyperparameter the trainer understands: its name in sweep files and results, what people call it, its command
/// line option, its kind and rule, its default (none for the three every sweep must give), how it appears in ids, and
/// the model it belongs to when it is an architecture parameter (a cell of another model ignores it).
/// </summary>
public sealed record ParameterDefinition(
    string Name,
    ParameterKind Kind,
    string Label,
    string Option,
    ParameterValue? Default,
    string IdPrefix,
    Func<double, bool>? IsValidNumber = null,
    string Rule = "",
    string[]? Choices = null,
    string? OnlyForModel = null)
{
    /// <summary>Why a value is not allowed (naming the value and what would be), or null when it is.</summary>
    public string? Problem(ParameterValue value)
    {
        string shown = value.Text ?? value.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (Kind)
        {
            case ParameterKind.Choice when value.IsText && Choices!.Contains(value.Text):
                return null;
            case ParameterKind.Choice:
                return $"{Label} '{shown}' is not one of {string.Join(", ", Choices!)}";
            case ParameterKind.Float or ParameterKind.Integer when value.IsText:
                return $"{Label} '{shown}' is not a number; it {Rule}";
            case ParameterKind.Integer when double.IsFinite(value.Number)
                                            && (value.Number != Math.Floor(value.Number) || Math.Abs(value.Number) > int.MaxValue):
                return $"{Label} {shown} is not a whole number; it {Rule}";
            default:
                return IsValidNumber is null || IsValidNumber(value.Number) ? null : $"{Label} {shown} {Rule}";
        }
    }
}
