using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// The seed grid (lr 0.01,0.001 × batch 16,32 × epochs 5,10) end to end on the real photos: the bare loop, then
/// gridsearch run from process start to results written, with a cold and with a warm decode cache, and cold with
/// --no-fuse (every run alone, as before fused training), each repeat running all four in turn.
/// </summary>
public static class SeedGridBench
{
    public static BenchResult Run(string dataRoot, int repeats)
    {
        var rows = new List<BenchRow>();
        // Fused (the default) cold and warm, and cold with --no-fuse: what fusing the seed grid's runs saves. Each repeat
        // runs the bare loop and every mode once, in turn, so a slow or fast spell of the machine touches them alike.
        var modes = new[] { (Warm: false, Unfused: false), (Warm: true, Unfused: false), (Warm: false, Unfused: true) };
        var bare = new List<(double Wall, double Decode, double Best, double Test)>();
        var runs = modes.ToDictionary(m => m, _ => new List<(double Wall, double Decode, double Train, double Overhead)>());
        string warmCache = Path.Combine(Path.GetTempPath(), "gridsearch-bench-warm-cache");
        using (var fill = new TemporaryDirectory("bench-seed-fill"))
        {
            // Fill the shared warm cache once; the timed warm runs then read it.
            BenchRun.Gridsearch(new CliRun(fill.Combine("state"), warmCache), "run", "--data", dataRoot, "--json", "--out", fill.Combine("out"));
        }

        for (int r = 0; r < repeats; r++)
        {
            // The bare loop runs as a process of its own, timed from process start like gridsearch.
            bare.Add(BareLoopProcess(dataRoot));
            foreach (var mode in modes)
            {
                using var dir = new TemporaryDirectory("bench-seed");
                string cache = mode.Warm ? warmCache : dir.Combine("cache");
                string[] run = ["run", "--data", dataRoot, "--seed", "0", "--json", "--out", dir.Combine("out")];
                var (wall, results) = BenchRun.Gridsearch(new CliRun(dir.Combine("state"), cache), mode.Unfused ? [.. run, "--no-fuse"] : run);
                var timings = results.GetProperty("timings");
                runs[mode].Add((wall, timings.GetProperty("decodeSeconds").GetDouble(), timings.GetProperty("trainSeconds").GetDouble(),
                    BenchRun.PerTrialOverhead(results)));
            }
        }

        double bareSeconds = BenchRun.Median(bare.Select(b => b.Wall));
        rows.Add(new BenchRow("bare loop: process start, decode once, 8 trials in turn, test", bareSeconds, "s",
            $"median of {repeats}; decode {BenchRun.Median(bare.Select(b => b.Decode)):F2} s; best val {bare[0].Best:F4}, test {bare[0].Test:F4}"));
        foreach (var mode in modes)
        {
            var measured = runs[mode];
            string label = (mode.Warm ? "warm cache" : "cold cache") + (mode.Unfused ? ", --no-fuse" : "");
            double wallMedian = BenchRun.Median(measured.Select(m => m.Wall));
            rows.Add(new BenchRow($"gridsearch run, {label}: process start to results written", wallMedian, "s", $"median of {repeats}, alternating with the other modes"));
            rows.Add(new BenchRow($"gridsearch run, {label}: data set ready", BenchRun.Median(measured.Select(m => m.Decode)), "s"));
            rows.Add(new BenchRow($"gridsearch run, {label}: training (sum over trainer slots)", BenchRun.Median(measured.Select(m => m.Train)), "s"));
            rows.Add(new BenchRow($"gridsearch run, {label}: overhead per slot job (wall - training; a fused group is one)",
                BenchRun.Median(measured.Select(m => m.Overhead)) * 1000, "ms"));
            rows.Add(new BenchRow($"gridsearch run, {label}: time / bare loop", wallMedian / bareSeconds, "ratio",
                mode.Unfused ? "today's numbers, for comparison" : "goal: at most 0.5"));
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
