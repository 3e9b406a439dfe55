using System.Globalization;
using System.Net;
using GridSearch.Abstractions;
using GridSearch.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Serialization;

namespace GridSearch.Bench;

/// <summary>
/// Following a large sweep: a 10,000-cell simulated sweep on one Redis-clustered silo, watched the way `watch`
/// polled before (the whole snapshot every 2 s, its interval for sweeps this size) and the way it polls now (the
/// changes since its cursor, every second), with a stretch of no watcher before each. Measured: the silo's CPU time
/// (coordinator and simulated trainer together; the no-watcher stretch is the baseline) and the bytes of the answers
/// a watcher receives (their serialized size).
/// </summary>
public static class WatchBench
{
    public static BenchResult Run(int cells, TimeSpan window)
    {
        int side = (int)Math.Sqrt(cells);
        string[] grid =
        [
            "--lr", string.Join(',', Enumerable.Range(1, side).Select(i => (i / 10000.0).ToString(CultureInfo.InvariantCulture))),
            "--batch-size", string.Join(',', Enumerable.Range(1, side)), "--epochs", "3", "--no-shared-prefix", "--allow-large-grid",
        ];

        using var dir = new TemporaryDirectory("bench-watch");
        using var redis = new RedisServer(dir.Combine("redis"));
        redis.StartAsync().GetAwaiter().GetResult();
        string clusterId = $"bench-{Guid.NewGuid():N}"[..16];
        using var silo = SiloProcess.Start("bench-watch-silo", new Dictionary<string, string>
        {
            ["GridSearch__Cluster__Redis"] = redis.ConnectionString,
            ["GridSearch__Cluster__ClusterId"] = clusterId,
            ["GridSearch__Cluster__ServiceId"] = clusterId,
            // Slow enough that training itself costs the silo little, so what a watcher costs shows above it.
            ["GridSearch__Trainer__Slots"] = "4",
            ["GridSearch__Trainer__SimulatedTrialDuration"] = TimeSpan.FromMilliseconds(1000).ToString(),
        });
        silo.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();

        var cli = new CliRun(dir.Combine("state"), dir.Combine("cache"));
        var submitted = cli.RunAsync(["submit", "--data", "/unused", .. grid, "--sweep-id", "watched", "--cluster", silo.Gateway,
            "--cluster-id", clusterId]).GetAwaiter().GetResult();
        if (submitted.ExitCode != 0)
        {
            throw new InvalidOperationException(submitted.ToString());
        }

        using var client = Connect(silo.GatewayPort, clusterId);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var serializer = client.Services.GetRequiredService<Serializer>();
        var coordinator = grains.GetGrain<ISweepCoordinatorGrain>("watched");
        int total = coordinator.GetSnapshotAsync().GetAwaiter().GetResult()!.Cells.Length;

        var rows = new List<BenchRow>();
        for (int round = 1; round <= 2; round++)
        {
            var idle = Measure(silo.ProcessId, window, _ => Task.FromResult(0L), TimeSpan.FromSeconds(1));
            var whole = Measure(silo.ProcessId, window,
                async _ => serializer.SerializeToArray(await coordinator.GetSnapshotAsync()).Length, TimeSpan.FromSeconds(2));
            // The first answer holds every cell; the stretch measures what follows it, a watcher's steady state.
            var first = coordinator.GetChangesAsync(null).GetAwaiter().GetResult()!;
            long firstBytes = serializer.SerializeToArray(first).Length;
            var cursor = first.Cursor;
            var changes = Measure(silo.ProcessId, window, async _ =>
            {
                var answer = (await coordinator.GetChangesAsync(cursor))!;
                cursor = answer.Cursor;
                return serializer.SerializeToArray(answer).Length;
            }, TimeSpan.FromSeconds(1));

            string note = $"round {round}; {total:N0} cells, {window.TotalSeconds:F0} s each";
            rows.Add(new BenchRow($"silo CPU, no watcher (round {round})", idle.CpuPercent, "% of one core", note));
            rows.Add(new BenchRow($"silo CPU, watcher polling whole snapshots every 2 s (round {round})", whole.CpuPercent, "% of one core",
                $"{whole.Polls} polls, {whole.MillisecondsPerPoll:F1} ms each round trip"));
            rows.Add(new BenchRow($"silo CPU, watcher polling changes every 1 s (round {round})", changes.CpuPercent, "% of one core",
                $"{changes.Polls} polls, {changes.MillisecondsPerPoll:F1} ms each round trip"));
            rows.Add(new BenchRow($"bytes to the watcher, whole snapshots (round {round})", whole.BytesPerSecond, "B/s",
                $"{whole.Bytes / Math.Max(1, whole.Polls):N0} B per poll"));
            rows.Add(new BenchRow($"bytes to the watcher, changes (round {round})", changes.BytesPerSecond, "B/s",
                $"{changes.Bytes / Math.Max(1, changes.Polls):N0} B per poll, after a first answer of {firstBytes:N0} B with every cell"));
        }

        var final = coordinator.GetSnapshotAsync().GetAwaiter().GetResult()!;
        rows.Add(new BenchRow("cells finished when measuring ended", final.Cells.Count(c => c.Status.IsFinal()), "cells",
            $"of {total:N0}: the sweep ran throughout"));
        coordinator.CancelAsync().GetAwaiter().GetResult();
        return new BenchResult("watch", BenchResult.MachineDescription(), DateTimeOffset.UtcNow, rows);
    }

    private sealed record Stretch(double CpuPercent, long Bytes, int Polls, double BytesPerSecond, double MillisecondsPerPoll);

    private static Stretch Measure(int pid, TimeSpan window, Func<int, Task<long>> poll, TimeSpan interval)
    {
        double cpuBefore = CpuSeconds(pid);
        var started = DateTime.UtcNow;
        long bytes = 0;
        int polls = 0;
        var answering = new System.Diagnostics.Stopwatch();
        while (DateTime.UtcNow - started < window)
        {
            var next = DateTime.UtcNow + interval;
            answering.Start();
            bytes += poll(polls).GetAwaiter().GetResult();
            answering.Stop();
            polls++;
            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
        }

        double seconds = (DateTime.UtcNow - started).TotalSeconds;
        return new Stretch(100 * (CpuSeconds(pid) - cpuBefore) / seconds, bytes, polls, bytes / seconds,
            answering.Elapsed.TotalMilliseconds / Math.Max(1, polls));
    }

    // utime + stime of a process, from /proc (clock ticks of 1/100 s on Linux).
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static IHost Connect(int gatewayPort, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = clusterId;
            });
        });
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return host;
    }
}
