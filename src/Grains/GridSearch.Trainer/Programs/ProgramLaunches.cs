using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using GridSearch.Abstractions;

namespace GridSearch.Trainer.Programs;

/// <summary>What one attempt of a run gets besides its command line: which run it is, how far it trains, and where its folder is.</summary>
/// <param name="VisibleDevices">The GPUs the run holds, for CUDA_VISIBLE_DEVICES (empty: none); null leaves the variable as it is.</param>
public sealed record ProgramRunContext(string RunId, long Seed, int Epochs, string RunDirectory, string? DataRoot = null, string? VisibleDevices = null);

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

    /// <summary>
    /// How the program learns that a report's folder is saved: SIGCONT, sent when the trainer lets the program run on
    /// after saving it. A program that waits for it before writing its folder again keeps the next epoch's writes out
    /// of that copy, however fast its epochs are.
    /// </summary>
    public const string ReportAckVariable = "GRIDSEARCH_REPORT_ACK";

    public const string ReportAckSignal = "SIGCONT";

    /// <summary>The sweep's data root (data: or --data) as the trainer sees it, for programs that take their data from it.</summary>
    public const string DataVariable = "GRIDSEARCH_DATA";

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

        if (run.VisibleDevices is { } devices)
        {
            environment[ProgramGpuDiscovery.VisibleDevicesVariable] = devices;
        }

        environment[ParamsVariable] = ParamsJson(values);
        environment[RunIdVariable] = run.RunId;
        environment[SeedVariable] = run.Seed.ToString(CultureInfo.InvariantCulture);
        environment[EpochsVariable] = run.Epochs.ToString(CultureInfo.InvariantCulture);
        environment[RunDirectoryVariable] = run.RunDirectory;
        environment[ReportAckVariable] = ReportAckSignal;
        if (!string.IsNullOrEmpty(run.DataRoot))
        {
            environment[DataVariable] = run.DataRoot;
        }

        return new ProgramLaunch(command, program.WorkingDirectory, environment);
    }

    private static bool IsTrainerConfiguration(string name) =>
        name.StartsWith("GridSearch__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("GRIDSEARCH_", StringComparison.OrdinalIgnoreCase);

    private static string Expand(string argument, IReadOnlyDictionary<string, ParameterValue> values) =>
        CommandPlaceholders.Expand(argument, name => values.TryGetValue(name, out var value)
            ? value.ToString()
            : throw new ArgumentException($"the command refers to {{{name}}}, which is not a parameter of the sweep ({string.Join(", ", values.Keys)})"));

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
