using System.Globalization;
using System.Text.Json;

namespace GridSearch.Trainer.Programs;

/// <summary>
/// One epoch as a program reports it: the line <c>GRIDSEARCH_REPORT {"epoch": 3, "val_accuracy": 0.71}</c> on its
/// standard output. <see cref="Epoch"/> is 1-based; every other numeric member is a metric. A test command's report
/// has no epoch (<see cref="Epoch"/> 0): <c>GRIDSEARCH_REPORT {"test_accuracy": 0.73}</c>.
/// </summary>
public sealed record ProgramReport(int Epoch, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>What starts a report line; anything else a program prints is its own log.</summary>
    public const string Prefix = "GRIDSEARCH_REPORT";

    /// <summary>
    /// Reads one line of a program's output: null when it is not a report (a log line), else the report or why the
    /// line, which claims to be one, cannot be read. <paramref name="epochRequired"/>: false for a test command's report.
    /// </summary>
    public static ProgramReportLine? Read(string line, bool epochRequired = true)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal) || (line.Length > Prefix.Length && !char.IsWhiteSpace(line[Prefix.Length])))
        {
            return null;
        }

        string json = line[Prefix.Length..].Trim();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            return ProgramReportLine.Malformed($"not a JSON object ({error.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return ProgramReportLine.Malformed($"a report is a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            }

            int? epoch = null;
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var member in document.RootElement.EnumerateObject())
            {
                if (member.Name == "epoch")
                {
                    if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetInt32(out int value) || value < 1)
                    {
                        return ProgramReportLine.Malformed($"\"epoch\" must be a whole number from 1, not {member.Value.GetRawText()}");
                    }

                    epoch = value;
                }
                else if (member.Value.ValueKind == JsonValueKind.Number && member.Value.TryGetDouble(out double number) && double.IsFinite(number))
                {
                    metrics[member.Name] = number;
                }
                else if (member.Value.ValueKind == JsonValueKind.String
                         && double.TryParse(member.Value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed)
                         && !double.IsFinite(parsed))
                {
                    // JSON has no NaN or infinity; Python's json writes them bare (rejected above) or a program quotes them.
                    metrics[member.Name] = parsed;
                }
                else
                {
                    return ProgramReportLine.Malformed($"metric \"{member.Name}\" must be a number, not {member.Value.GetRawText()}");
                }
            }

            return epoch is { } e ? new ProgramReportLine(new ProgramReport(e, metrics), null)
                : !epochRequired ? new ProgramReportLine(new ProgramReport(0, metrics), null)
                : ProgramReportLine.Malformed("the report has no \"epoch\"");
        }
    }
}

/// <summary>A line that claims to be a report: the report, or why it could not be read.</summary>
public sealed record ProgramReportLine(ProgramReport? Report, string? Problem)
{
    public static ProgramReportLine Malformed(string problem) => new(null, problem);
}
