using System.Diagnostics;
using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>Runs the built gridsearch tool as a process and times it from process start to exit.</summary>
public static class BenchRun
{
    public static (double WallSeconds, JsonElement Results) Gridsearch(CliRun cli, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = cli.RunAsync(TimeSpan.FromMinutes(20), args).GetAwaiter().GetResult();
        double wall = clock.Elapsed.TotalSeconds;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"gridsearch {string.Join(' ', args)} failed:\n{result}");
        }

        return (wall, JsonDocument.Parse(result.Stdout).RootElement.Clone());
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// Mean over what the trainer slots ran (a run, or a fused group of runs) of its wall time less its training time:
    /// dispatch, reporting and queueing. A fused run's seconds are its share of its group's epochs, so a group's
    /// training time is the sum over its runs.
    /// </summary>
    public static double PerTrialOverhead(JsonElement results)
    {
        var leaders = results.GetProperty("trials").EnumerateArray()
            .GroupBy(t => System.Text.RegularExpressions.Regex.Replace(t.GetProperty("id").GetString()!, "-ep[0-9]+", "")) // a run's cells
            .Select(g => g.MaxBy(t => t.GetProperty("epochs").GetInt32()));
        var units = leaders.GroupBy(t => t.TryGetProperty("fusedGroup", out var group) && group.ValueKind == JsonValueKind.String
            ? group.GetString()!
            : t.GetProperty("id").GetString()!);
        return units.Average(unit => unit.Max(t => t.GetProperty("wallSeconds").GetDouble()) - unit.Sum(t => t.GetProperty("seconds").GetDouble()));
    }
}
