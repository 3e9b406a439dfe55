using System.Text.Json;
using Spectre.Console;

namespace GridSearch.Bench;

/// <summary>One benchmark's figures: printed as a table and written to bench/results/NAME.json.</summary>
public sealed record BenchResult(string Name, string Machine, DateTimeOffset At, IReadOnlyList<BenchRow> Rows)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string MachineDescription() =>
        $"{Environment.ProcessorCount} cores, {Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9)} GB, " +
        $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    public void Report(string resultsDirectory)
    {
        var table = new Table().Title(Name).AddColumns("measure", "value", "unit", "note");
        foreach (var row in Rows)
        {
            table.AddRow(Markup.Escape(row.Measure), row.Value.ToString("G6"), Markup.Escape(row.Unit), Markup.Escape(row.Note ?? ""));
        }

        AnsiConsole.Write(table);
        Directory.CreateDirectory(resultsDirectory);
        string path = Path.Combine(resultsDirectory, Name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        AnsiConsole.WriteLine($"written {path}");
    }
}

public sealed record BenchRow(string Measure, double Value, string Unit, string? Note = null);
