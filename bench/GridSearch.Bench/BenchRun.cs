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

    /// <summary>Mean over training runs of (wall time − training time): dispatch, reporting and queueing.</summary>
    public static double PerTrialOverhead(JsonElement results)
    {
        var leaders = results.GetProperty("trials").EnumerateArray()
            .GroupBy(t => (t.GetProperty("lr").GetDouble(), t.GetProperty("batchSize").GetInt32()))
            .Select(g => g.MaxBy(t => t.GetProperty("epochs").GetInt32()));
        return leaders.Average(t => t.GetProperty("wallSeconds").GetDouble() - t.GetProperty("seconds").GetDouble());
    }
}
