using System.Globalization;
using GridSearch.Abstractions;

namespace GridSearch.Client.Commands;

/// <summary>Parses comma-separated option values such as <c>--lr 0.01,0.001</c>.</summary>
public static class ListParsing
{
    /// <summary>A parameter's list: numbers, or names for a choice such as --optimizer sgd,adam. Values are checked later, all at once.</summary>
    public static ParameterValue[] Values(ParameterDefinition parameter, string text) => parameter.Kind == ParameterKind.Choice
        ? Parse<ParameterValue>(parameter.Option, text, item => ParameterValue.Of(item), "a name")
        : Parse<ParameterValue>(parameter.Option, text,
            item => double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? ParameterValue.Of(value) : null,
            parameter.Kind == ParameterKind.Integer ? "a whole number" : "a number such as 0.001");

    /// <summary>A program's list: each item a number when it reads as one, else the text itself.</summary>
    public static ParameterValue[] NumbersOrTexts(string option, string text) =>
        Parse<ParameterValue>(option, text, item => double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? ParameterValue.Of(value) : ParameterValue.Of(item), "a value");

    private static T[] Parse<T>(string option, string text, Func<string, T?> parse, string expected) where T : struct
    {
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<T>();
        foreach (string item in items)
        {
            if (item.Length == 0)
            {
                throw new UserInputException($"{option} '{text}' has an empty entry; give a comma-separated list such as {option} 1,2.");
            }

            values.Add(parse(item) ?? throw new UserInputException($"{option} '{text}': '{item}' is not {expected}."));
        }

        return values.ToArray();
    }
}
