using System.Globalization;
using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// The wide grid (16 learning rates log-spaced from 1e-4 to 1e-1 × batch sizes 16, 32 × epochs 5, 10: 64 cells) end to
/// end on the real photos, fused (the default) and with --no-fuse, in the same run and with a warm decode cache: wall
/// times, their ratio, and how far the two sweeps' answers differ.
/// </summary>
public static class WideGridBench
{
    public static readonly string LearningRates = string.Join(",",
        Enumerable.Range(0, 16).Select(i => Math.Pow(10, -4 + 3.0 * i / 15).ToString("G6", CultureInfo.InvariantCulture)));

    public static BenchResult Run(string dataRoot, int repeats)
    {
        using var dir = new TemporaryDirectory("bench-wide");
        string cache = Path.Combine(Path.GetTempPath(), "gridsearch-bench-warm-cache");
        string[] grid = ["run", "--data", dataRoot, "--seed", "0", "--lr", LearningRates, "--batch-size", "16,32", "--epochs", "5,10", "--json"];
        BenchRun.Gridsearch(new CliRun(dir.Combine("fill-state"), cache), "run", "--data", dataRoot, "--epochs", "1", "--lr", "0.01",
            "--batch-size", "16", "--json", "--out", dir.Combine("fill")); // fills the decode cache

        var fused = new List<(double Wall, JsonElement Results)>();
        var alone = new List<(double Wall, JsonElement Results)>();
        for (int r = 0; r < repeats; r++)
        {
            // Alternated, so a machine that slows down over the run does not favour either.
            fused.Add(BenchRun.Gridsearch(new CliRun(dir.Combine($"fused-{r}"), cache), [.. grid, "--out", dir.Combine($"fused-out-{r}")]));
            alone.Add(BenchRun.Gridsearch(new CliRun(dir.Combine($"alone-{r}"), cache), [.. grid, "--no-fuse", "--out", dir.Combine($"alone-out-{r}")]));
        }

        double fusedWall = BenchRun.Median(fused.Select(f => f.Wall));
        double aloneWall = BenchRun.Median(alone.Select(a => a.Wall));
        var f0 = fused[0].Results;
        var a0 = alone[0].Results;
        int validation = a0.GetProperty("dataset").GetProperty("val").GetInt32();
        var (largest, cellsApart) = AccuracyDifference(f0, a0, validation);
        string Winner(JsonElement results) =>
            $"{results.GetProperty("best").GetProperty("trialId").GetString()} epoch {results.GetProperty("best").GetProperty("epoch").GetInt32()}";

        var rows = new List<BenchRow>
        {
            new("wide grid --no-fuse: process start to results written", aloneWall, "s", $"median of {repeats}; 64 cells, 32 runs; warm decode cache"),
            new("wide grid fused: process start to results written", fusedWall, "s", $"median of {repeats}; 2 groups of 16 runs"),
            new("wide grid: fused / --no-fuse", fusedWall / aloneWall, "ratio", "goal: at most 0.35"),
            new("wide grid: training seconds --no-fuse", a0.GetProperty("timings").GetProperty("trainSeconds").GetDouble(), "s", "sum over slots"),
            new("wide grid: training seconds fused", f0.GetProperty("timings").GetProperty("trainSeconds").GetDouble(), "s", "sum over slots"),
            new("wide grid: same winner", Winner(f0) == Winner(a0) ? 1 : 0, "bool", $"fused {Winner(f0)}; --no-fuse {Winner(a0)}"),
            new("wide grid: largest validation accuracy difference", largest * validation, "images",
                $"any cell, any epoch, of {validation} validation images; {cellsApart} of 64 cells differ anywhere"),
        };
        return new BenchResult("wide-grid", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    private static (double Largest, int CellsApart) AccuracyDifference(JsonElement fused, JsonElement alone, int validation)
    {
        var unfused = alone.GetProperty("trials").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetString()!);
        double largest = 0;
        int apart = 0;
        foreach (var trial in fused.GetProperty("trials").EnumerateArray())
        {
            var mine = trial.GetProperty("valAccuracy").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            var theirs = unfused[trial.GetProperty("id").GetString()!].GetProperty("valAccuracy").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            double difference = mine.Zip(theirs, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
            largest = Math.Max(largest, difference);
            apart += difference > 0.5 / validation ? 1 : 0;
        }

        return (largest, apart);
    }
}
