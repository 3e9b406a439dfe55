using System.Globalization;
using GridSearch.TestSupport;

namespace GridSearch.Bench;

/// <summary>
/// Orchestration overhead in the manner of Ray Tune's bookkeeping test: N trials that do no work but wait T each,
/// on S slots, durable state on. Overhead = measured / (N·T/S) − 1, with measured the sweep's own wall time (from
/// the start request to the winner tested). Embedded, and on a 3-silo Redis cluster on loopback (its first sweep and
/// the one after).
/// </summary>
public static class OverheadBench
{
    public static BenchResult Run(int trials, int milliseconds, int slots)
    {
        var rows = new List<BenchRow>();
        double ideal = trials * milliseconds / 1000.0 / slots;
        int lrs = 50, batches = trials / lrs;
        string[] grid =
        [
            "--lr", string.Join(',', Enumerable.Range(1, lrs).Select(i => (i / 10000.0).ToString(CultureInfo.InvariantCulture))),
            "--batch-size", string.Join(',', Enumerable.Range(1, batches)), "--epochs", "1", "--no-shared-prefix",
        ];

        using (var dir = new TemporaryDirectory("bench-overhead"))
        {
            var (wall, results) = BenchRun.Gridsearch(new CliRun(dir.Combine("state"), dir.Combine("cache")),
            [
                "run", "--data", dir.Combine("unused"), .. grid, "--slots", slots.ToString(CultureInfo.InvariantCulture),
                "--simulate-training", milliseconds.ToString(CultureInfo.InvariantCulture), "--json", "--out", dir.Combine("out"),
            ]);
            Report(rows, "embedded", results, ideal, wall);
        }

        using (var dir = new TemporaryDirectory("bench-overhead-cluster"))
        {
            using var redis = new RedisServer(dir.Combine("redis"));
            redis.StartAsync().GetAwaiter().GetResult();
            string clusterId = $"bench-{Guid.NewGuid():N}"[..16];
            int[] slotsPerSilo = [slots - 2 * (slots / 3), slots / 3, slots / 3];
            var silos = slotsPerSilo.Select((s, i) =>
            {
                var env = new Dictionary<string, string>
                {
                    ["GridSearch__Cluster__Redis"] = redis.ConnectionString,
                    ["GridSearch__Cluster__ClusterId"] = clusterId,
                    ["GridSearch__Cluster__ServiceId"] = clusterId,
                    ["GridSearch__Trainer__Slots"] = s.ToString(CultureInfo.InvariantCulture),
                    ["GridSearch__Trainer__SimulatedTrialDuration"] = TimeSpan.FromMilliseconds(milliseconds).ToString(),
                };
                return SiloProcess.Start($"bench-silo-{i}", env);
            }).ToList();
            try
            {
                foreach (var silo in silos)
                {
                    silo.WaitReadyAsync(trainers: 3, TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
                }

                // Two sweeps in a row: the first pays the cluster's cold start (first activations, connections,
                // JIT), the second is what a long-lived cluster sees.
                var cli = new CliRun(dir.Combine("state"), dir.Combine("cache"));
                string[] cluster = ["--cluster", silos[0].Gateway, "--cluster-id", clusterId];
                foreach (var (sweepId, label) in new[] { ("first", "first sweep on new silos"), ("next", "next sweep") })
                {
                    var submitted = cli.RunAsync(["submit", "--data", "/unused", .. grid, "--sweep-id", sweepId, .. cluster]).GetAwaiter().GetResult();
                    if (submitted.ExitCode != 0)
                    {
                        throw new InvalidOperationException(submitted.ToString());
                    }

                    var (wall, results) = BenchRun.Gridsearch(cli, ["watch", sweepId, .. cluster, "--json", "--out", dir.Combine($"out-{sweepId}")]);
                    Report(rows, $"3-silo Redis cluster, {label}", results, ideal, wall);
                }
            }
            finally
            {
                silos.ForEach(s => s.Dispose());
            }
        }

        return new BenchResult("overhead", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);

        void Report(List<BenchRow> into, string where, System.Text.Json.JsonElement results, double idealSeconds, double processWall)
        {
            double measured = results.GetProperty("timings").GetProperty("totalSeconds").GetDouble();
            string status = results.GetProperty("status").GetString()!;
            into.Add(new BenchRow($"{where}: sweep wall time (N={trials}, T={milliseconds} ms, S={slots})", measured, "s",
                $"{status}; ideal N·T/S = {idealSeconds:F2} s; whole command {processWall:F1} s"));
            into.Add(new BenchRow($"{where}: overhead = measured / (N·T/S) - 1", 100 * (measured / idealSeconds - 1), "%", "goal: under 5 %"));
        }
    }
}
