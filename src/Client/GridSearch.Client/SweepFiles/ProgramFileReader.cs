using System.Globalization;
using System.Text.RegularExpressions;
using GridSearch.Abstractions;
using GridSearch.Client.Commands;
using YamlDotNet.RepresentationModel;

namespace GridSearch.Client.SweepFiles;

/// <summary>
/// Reads what a sweep file says about the user's own program: <c>program:</c> (command, working_dir, env, timeout,
/// report_timeout, gpus, gpu_memory, test_command), the objective's <c>mode:</c>, and the durations in them (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>1h30m</c>).
/// </summary>
internal static partial class ProgramFileReader
{
    public static readonly string[] Keys = ["command", "working_dir", "env", "timeout", "report_timeout", "gpus", "gpu_memory", "test_command"];

    [GeneratedRegex(@"\A(?<number>\d+(?:\.\d+)?)\s*(?<unit>GiB|MiB|GB|MB)?\z")]
    private static partial Regex MemorySize();

    [GeneratedRegex(@"\G(?<number>\d+(?:\.\d+)?)(?<unit>ms|s|m|h|d)")]
    private static partial Regex DurationPart();

    public static ProgramSpec? Read(YamlNode node, SweepFileContext context, string folder)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Add(node, "program", "give a mapping with command: (a list of words, or one string), and optionally " +
                                         "working_dir:, env:, timeout:, report_timeout:, gpus:, gpu_memory:, test_command:");
            return null;
        }

        var program = new ProgramSpec { WorkingDirectory = folder };
        bool hasCommand = false;
        foreach (var (keyNode, value) in mapping.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string at = $"program.{key}";
            switch (key)
            {
                case "command":
                    hasCommand = true;
                    program = program with { Command = Command(value, at, context) };
                    break;
                case "working_dir":
                    program = program with { WorkingDirectory = context.Text(value, at) is { } dir ? Path.GetFullPath(dir, folder) : folder };
                    break;
                case "env":
                    program = program with { Environment = Environment(value, at, context) };
                    break;
                case "timeout":
                    program = program with { Timeout = Duration(value, at, context) };
                    break;
                case "report_timeout":
                    program = program with { ReportTimeout = Duration(value, at, context) };
                    break;
                case "gpus":
                    int? gpus = context.Int(value, at);
                    if (gpus is < 0)
                    {
                        context.Add(value, at, $"{gpus} is not a number of devices; use 0 or more");
                    }

                    program = program with { Gpus = Math.Max(0, gpus ?? 0) };
                    break;
                case "test_command":
                    program = program with { TestCommand = Command(value, at, context) };
                    break;
                case "gpu_memory":
                    program = program with { GpuMemoryBytes = Memory(value, at, context) };
                    break;
                default:
                    context.Unknown(keyNode, key, "program.", Keys, 0);
                    break;
            }
        }

        if (!hasCommand)
        {
            context.Add(mapping, "program.command", "missing; give the program's words, for example command: [\"python3\", \"train.py\", \"--lr\", \"{lr}\"]");
        }

        return program;
    }

    public static MetricMode? Mode(YamlNode node, SweepFileContext context)
    {
        string? text = context.Text(node, "mode");
        switch (text)
        {
            case "max":
                return MetricMode.Max;
            case "min":
                return MetricMode.Min;
            case null:
                return null;
            default:
                context.Add(node, "mode", $"'{text}' is not a mode; use max (higher is better) or min (lower is better)");
                return null;
        }
    }

    /// <summary>A duration such as 90s, 10m, 2h or 1h30m; a bare number counts seconds.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare))
        {
            return double.IsFinite(bare) && bare > 0 && bare < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(bare) : null;
        }

        double seconds = 0;
        int at = 0;
        foreach (Match part in DurationPart().Matches(text))
        {
            double number = double.Parse(part.Groups["number"].Value, CultureInfo.InvariantCulture);
            seconds += number * part.Groups["unit"].Value switch { "ms" => 0.001, "s" => 1, "m" => 60, "h" => 3600, _ => 86400 };
            at = part.Index + part.Length;
        }

        return at == text.Length && at > 0 && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>A size of device memory: 4GiB, 512MiB (GB and MB read the same); a bare number counts GiB.</summary>
    public static long? ParseMemory(string text)
    {
        var match = MemorySize().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return null;
        }

        double bytes = number * (match.Groups["unit"].Value is "MiB" or "MB" ? 1L << 20 : 1L << 30);
        return bytes is >= 1 and < 1L << 50 ? (long)bytes : null;
    }

    private static long? Memory(YamlNode node, string at, SweepFileContext context)
    {
        if (context.Text(node, at) is not { } text)
        {
            return null;
        }

        if (ParseMemory(text) is { } bytes)
        {
            return bytes;
        }

        context.Add(node, at, $"'{text}' is not a size of device memory; give it with a unit, such as 4GiB or 512MiB");
        return null;
    }

    private static string[] Command(YamlNode node, string at, SweepFileContext context)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { Length: > 0 } line }:
                return [.. CommandWords.Split(line)];
            case YamlSequenceNode { Children.Count: > 0 } words when words.Children.All(w => w is YamlScalarNode { Value: not null }):
                return words.Children.Select(w => ((YamlScalarNode)w).Value!).ToArray();
            default:
                context.Add(node, at, "give the program's words as a list of strings, for example [\"python3\", \"train.py\", \"--lr\", \"{lr}\"], or as one string");
                return [];
        }
    }

    private static Dictionary<string, string> Environment(YamlNode node, string at, SweepFileContext context)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not YamlMappingNode mapping)
        {
            context.Add(node, at, "give a mapping of variable names to values, for example {OMP_NUM_THREADS: \"1\"}");
            return variables;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            string name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
            {
                context.Add(keyNode, at, $"'{name}' is not a variable name");
            }
            else if (name.StartsWith("GRIDSEARCH_", StringComparison.Ordinal))
            {
                context.Add(keyNode, $"{at}.{name}", "GRIDSEARCH_ variables are set by GridSearch for each run; choose another name");
            }
            else if (value is YamlScalarNode { Value: { } text })
            {
                variables[name] = text;
            }
            else
            {
                context.Add(value, $"{at}.{name}", "give a single value");
            }
        }

        return variables;
    }

    /// <summary>A duration under a key (90s, 10m, 2h, 1h30m, or plain seconds); reported with the key when it is not one.</summary>
    public static TimeSpan? Duration(YamlNode node, string at, SweepFileContext context)
    {
        if (context.Text(node, at) is not { } text)
        {
            return null;
        }

        if (ParseDuration(text) is { } duration)
        {
            return duration;
        }

        context.Add(node, at, $"'{text}' is not a duration; use a number with a unit, such as 90s, 10m, 2h or 1h30m");
        return null;
    }
}
