using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cluster.Tests;

/// <summary>
/// Real processes on loopback: a redis-server, silo processes (trainers and a gateway-only silo) and the CLI.
/// A trainer is killed in the middle of a sweep, then the whole cluster and Redis are stopped and started again
/// with a sweep unfinished. Every sweep must end exactly like the same sweep run uninterrupted in embedded mode.
/// </summary>
public sealed class ClusterFailoverTests : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromMinutes(1);
    private readonly TemporaryDirectory _dir = new("cluster");
    private readonly List<IDisposable> _processes = [];
    private readonly string _clusterId = $"gs-test-{Guid.NewGuid():N}"[..20];

    private static string[] Grid => ["--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "2,3", "--seed", "5"];

    private Dictionary<string, string> SiloEnvironment(RedisServer redis, bool trainer, string? holdAt = null)
    {
        var env = SiloProcess.TestTimings();
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__ClusterId"] = _clusterId;
        env["GridSearch__Cluster__ServiceId"] = _clusterId;
        env["GridSearch__Trainer__Enabled"] = trainer ? "true" : "false";
        env["GridSearch__Trainer__Slots"] = "1";
        env["GridSearch__Trainer__ThreadsPerSlot"] = "1";
        env["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("silo-cache");
        if (holdAt is not null)
        {
            env["GRIDSEARCH_HOLD_AT"] = holdAt;
            env["GRIDSEARCH_HOLD_FILE"] = _dir.Combine($"held-{holdAt.Replace(':', '-')}");
        }

        return env;
    }

    private SiloProcess Silo(string name, Dictionary<string, string> env)
    {
        var silo = SiloProcess.Start(name, env);
        _processes.Add(silo);
        return silo;
    }

    [Fact]
    public async Task Cluster_TrainerKilledMidSweepAndFullRestart_SweepsEndLikeUninterruptedRuns()
    {
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 40);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        var baselineRun = await cli.RunAsync(["run", "--data", data, .. Grid, "--slots", "1", "--threads", "1", "--json", "--out", _dir.Combine("baseline")]);
        Assert.True(baselineRun.ExitCode == 0, baselineRun.ToString());
        var baseline = JsonNode.Parse(baselineRun.Stdout)!.AsObject();

        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();

        // 1. A trainer dies mid-epoch: its runs continue on the other trainer from their checkpoints.
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false));
        var trainerA = Silo("trainer-a", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:2:3"));
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await trainerA.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", gateway.Gateway, "--cluster-id", _clusterId];

        var submitted = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "failover", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Equal("failover", submitted.Stdout.Trim());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-2-3")), Ready, "trainer-a to hold in epoch 2");

        var trainerB = Silo("trainer-b", SiloEnvironment(redis, trainer: true));
        await trainerB.WaitReadyAsync(trainers: 2, Ready);
        trainerA.Kill();

        var failover = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "failover", .. cluster, "--json", "--out", _dir.Combine("failover")]);
        Assert.True(failover.ExitCode == 0, $"{failover}\n--- trainer-b ---\n{trainerB.Output}\n--- gateway ---\n{gateway.Output}");
        var afterFailover = JsonNode.Parse(failover.Stdout)!.AsObject();
        AssertSameResults(baseline, afterFailover);
        Assert.All(afterFailover["trials"]!.AsArray(), t => Assert.Equal("trainer-b", (string?)t!["silo"]));

        // 2. With a sweep unfinished, every silo and Redis stop; started again, the cluster finishes it by itself.
        trainerB.Kill();
        var trainerC = Silo("trainer-c", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:1:2"));
        await trainerC.WaitReadyAsync(trainers: 1, Ready);
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        var second = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "restarted", .. cluster]);
        Assert.True(second.ExitCode == 0, second.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-1-2")), Ready, "trainer-c to hold in epoch 1");
        gateway.Kill();
        trainerC.Kill();
        await redis.StopAsync();

        await redis.StartAsync();
        var gateway2 = Silo("gateway-2", SiloEnvironment(redis, trainer: false));
        var trainerD = Silo("trainer-d", SiloEnvironment(redis, trainer: true));
        await gateway2.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster2 = ["--cluster", gateway2.Gateway, "--cluster-id", _clusterId];
        var restarted = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "restarted", .. cluster2, "--json", "--out", _dir.Combine("restarted")]);
        Assert.True(restarted.ExitCode == 0, $"{restarted}\n--- trainer-d ---\n{trainerD.Output}\n--- gateway-2 ---\n{gateway2.Output}");
        AssertSameResults(baseline, JsonNode.Parse(restarted.Stdout)!.AsObject());
    }

    private static void AssertSameResults(JsonObject expected, JsonObject actual)
    {
        Assert.Equal("Completed", (string?)actual["status"]);
        Assert.Equal(Numbers(expected), Numbers(actual));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)actual["testAccuracy"]!);
        // Each grid cell done exactly once and no completed epoch trained again.
        Assert.Equal((int)expected["timings"]!["epochsTrained"]!, (int)actual["timings"]!["epochsTrained"]!);
    }

    private static string Numbers(JsonObject result) => string.Join(";", result["trials"]!.AsArray().Select(t =>
        $"{t!["id"]}:{t["status"]}:{t["trainLoss"]!.ToJsonString()}:{t["valAccuracy"]!.ToJsonString()}"));

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _dir.Dispose();
    }
}
