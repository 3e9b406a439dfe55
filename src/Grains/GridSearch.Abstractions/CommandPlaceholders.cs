using System.Text;

namespace GridSearch.Abstractions;

/// <summary>
/// The <c>{name}</c> placeholders of a program's command: a parameter's name between braces stands for the cell's
/// value; <c>{{</c> and <c>}}</c> are single braces; other braces (a Python f-string, a shell <c>${VAR}</c>) stay.
/// </summary>
public static class CommandPlaceholders
{
    /// <summary>The names an argument's placeholders refer to, for checking a spec before anything runs.</summary>
    public static IReadOnlyList<string> Names(string argument)
    {
        var names = new List<string>();
        Expand(argument, name =>
        {
            names.Add(name);
            return "";
        });
        return names;
    }

    /// <summary>The argument with each placeholder replaced by <paramref name="value"/> of its name.</summary>
    public static string Expand(string argument, Func<string, string> value)
    {
        var expanded = new StringBuilder(argument.Length);
        for (int i = 0; i < argument.Length; i++)
        {
            char c = argument[i];
            if ((c == '{' || c == '}') && i + 1 < argument.Length && argument[i + 1] == c)
            {
                expanded.Append(c);
                i++;
            }
            else if (c == '{' && (i == 0 || argument[i - 1] != '$') && argument.IndexOf('}', i + 1) is var close and > 0 && IsName(argument.AsSpan(i + 1, close - i - 1)))
            {
                expanded.Append(value(argument[(i + 1)..close]));
                i = close;
            }
            else
            {
                expanded.Append(c);
            }
        }

        return expanded.ToString();
    }

    // Only a name between braces is a placeholder, and not after '$': code in a command (a Python f-string, a shell
    // ${VAR}) keeps its braces.
    private static bool IsName(ReadOnlySpan<char> text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_')
                        && !text.ContainsAnyExcept(System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"));
}
