using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// The seed grid (lr 0.01,0.001 × batch 16,32 × epochs 5,10) end to end on the real photos: the bare loop, then
/// gridsearch run from process start to results written, with a cold and with a warm decode cache, and cold with
/// --no-fuse (every run alone, as before fused training).
/// </summary>
public static class SeedGridBench
{
    public static BenchResult Run(string dataRoot, int repeats)
    {
        var rows = new List<BenchRow>();
        // The bare loop runs as a process of its own, timed from process start like gridsearch.
        var bare = Enumerable.Range(0, repeats).Select(_ => BareLoopProcess(dataRoot)).ToList();
        double bareSeconds = BenchRun.Median(bare.Select(b => b.Wall));
        rows.Add(new BenchRow("bare loop: process start, decode once, 8 trials in turn, test", bareSeconds, "s",
            $"median of {repeats}; decode {BenchRun.Median(bare.Select(b => b.Decode)):F2} s; best val {bare[0].Best:F4}, test {bare[0].Test:F4}"));

        // Fused (the default) cold and warm, and cold with --no-fuse: what fusing the seed grid's runs saves.
        foreach (var (warm, unfused) in new[] { (false, false), (true, false), (false, true) })
        {
            var walls = new List<double>();
            var decode = new List<double>();
            var train = new List<double>();
            var overhead = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                using var dir = new TemporaryDirectory("bench-seed");
                string cache = warm ? Path.Combine(Path.GetTempPath(), "gridsearch-bench-warm-cache") : dir.Combine("cache");
                if (warm && r == 0)
                {
                    // Fill the shared cache once; the timed runs then read it.
                    BenchRun.Gridsearch(new CliRun(dir.Combine("fill-state"), cache), "run", "--data", dataRoot, "--json", "--out", dir.Combine("fill"));
                }

                string[] run = ["run", "--data", dataRoot, "--seed", "0", "--json", "--out", dir.Combine("out")];
                var (wall, results) = BenchRun.Gridsearch(new CliRun(dir.Combine("state"), cache), unfused ? [.. run, "--no-fuse"] : run);
                walls.Add(wall);
                decode.Add(results.GetProperty("timings").GetProperty("decodeSeconds").GetDouble());
                train.Add(results.GetProperty("timings").GetProperty("trainSeconds").GetDouble());
                overhead.Add(BenchRun.PerTrialOverhead(results));
            }

            string label = (warm ? "warm cache" : "cold cache") + (unfused ? ", --no-fuse" : "");
            double wallMedian = BenchRun.Median(walls);
            rows.Add(new BenchRow($"gridsearch run, {label}: process start to results written", wallMedian, "s", $"median of {repeats}"));
            rows.Add(new BenchRow($"gridsearch run, {label}: data set ready", BenchRun.Median(decode), "s"));
            rows.Add(new BenchRow($"gridsearch run, {label}: training (sum over trainer slots)", BenchRun.Median(train), "s"));
            rows.Add(new BenchRow($"gridsearch run, {label}: overhead per slot job (wall - training; a fused group is one)", BenchRun.Median(overhead) * 1000, "ms"));
            rows.Add(new BenchRow($"gridsearch run, {label}: time / bare loop", wallMedian / bareSeconds, "ratio",
                unfused ? "today's numbers, for comparison" : "goal: at most 0.5"));
        }

        return new BenchResult("seed-grid", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    private static (double Wall, double Decode, double Best, double Test) BareLoopProcess(string dataRoot)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(SeedGridBench).Assembly.Location);
        foreach (string arg in new[] { "bare-seed-loop", "--data", dataRoot })
        {
            start.ArgumentList.Add(arg);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        var json = System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        return (wall, json.GetProperty("DecodeSeconds").GetDouble(), json.GetProperty("BestValidation").GetDouble(), json.GetProperty("Test").GetDouble());
    }
}
