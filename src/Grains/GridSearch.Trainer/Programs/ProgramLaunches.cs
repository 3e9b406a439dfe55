using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridSearch.Abstractions;

namespace GridSearch.Trainer.Programs;

/// <summary>What one attempt of a run gets besides its command line: which run it is, how far it trains, and where its folder is.</summary>
public sealed record ProgramRunContext(string RunId, long Seed, int Epochs, string RunDirectory);

/// <summary>
/// Builds the command line and the environment of one attempt of a user's program: placeholders replaced by the
/// cell's values, and the GRIDSEARCH_* variables of the contract. The trainer's own configuration (GridSearch__*,
/// which holds the cluster's connection strings and certificate passwords) never reaches the program.
/// </summary>
public static class ProgramLaunches
{
    public const string ParamsVariable = "GRIDSEARCH_PARAMS";
    public const string RunIdVariable = "GRIDSEARCH_RUN_ID";
    public const string SeedVariable = "GRIDSEARCH_SEED";
    public const string EpochsVariable = "GRIDSEARCH_EPOCHS";
    public const string RunDirectoryVariable = "GRIDSEARCH_RUN_DIR";

    public static ProgramLaunch For(ProgramSpec program, IReadOnlyList<ParameterSetting> values, ProgramRunContext run,
        IDictionary inherited)
    {
        var byName = values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        var command = program.Command.Select(argument => Expand(argument, byName)).ToArray();

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in inherited)
        {
            string name = (string)entry.Key;
            if (!IsTrainerConfiguration(name))
            {
                environment[name] = (string?)entry.Value ?? "";
            }
        }

        foreach (var (name, value) in program.Environment)
        {
            environment[name] = value;
        }

        environment[ParamsVariable] = ParamsJson(values);
        environment[RunIdVariable] = run.RunId;
        environment[SeedVariable] = run.Seed.ToString(CultureInfo.InvariantCulture);
        environment[EpochsVariable] = run.Epochs.ToString(CultureInfo.InvariantCulture);
        environment[RunDirectoryVariable] = run.RunDirectory;
        return new ProgramLaunch(command, program.WorkingDirectory, environment);
    }

    /// <summary>The names a command's placeholders refer to, for checking a spec before anything runs.</summary>
    public static IReadOnlyList<string> Placeholders(string argument)
    {
        var names = new List<string>();
        Expand(argument, name =>
        {
            names.Add(name);
            return "";
        });
        return names;
    }

    private static bool IsTrainerConfiguration(string name) =>
        name.StartsWith("GridSearch__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("GRIDSEARCH_", StringComparison.OrdinalIgnoreCase);

    private static string Expand(string argument, IReadOnlyDictionary<string, ParameterValue> values) =>
        Expand(argument, name => values.TryGetValue(name, out var value)
            ? value.ToString()
            : throw new ArgumentException($"the command refers to {{{name}}}, which is not a parameter of the sweep ({string.Join(", ", values.Keys)})"));

    private static string Expand(string argument, Func<string, string> value)
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

    // The cell's values as one JSON object: numbers as numbers, choices as strings.
    private static string ParamsJson(IReadOnlyList<ParameterSetting> values)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var setting in values)
            {
                if (setting.Value.Text is { } text)
                {
                    json.WriteString(setting.Name, text);
                }
                else
                {
                    json.WriteNumber(setting.Name, setting.Value.Number);
                }
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
