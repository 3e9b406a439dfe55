using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cluster.Tests;

/// <summary>
/// Real processes on loopback: a redis-server, silo processes (trainers and a gateway-only silo) and the CLI.
/// A trainer is killed in the middle of a sweep, then the whole cluster and Redis are killed and started again
/// with a sweep unfinished; the only trainer is lost and replaced later. Every sweep must end exactly like the same sweep run uninterrupted in embedded mode.
/// </summary>
public sealed class ClusterFailoverTests : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromMinutes(1);
    private readonly TemporaryDirectory _dir = new("cluster");
    private readonly List<IDisposable> _processes = [];
    private readonly string _clusterId = $"gs-test-{Guid.NewGuid():N}"[..20];

    private static string[] Grid => ["--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "2,3", "--seed", "5"];

    private Dictionary<string, string> SiloEnvironment(RedisServer redis, bool trainer, string? holdAt = null, string? releaseFile = null)
    {
        var env = SiloProcess.ClusterEnvironment(redis, _clusterId, trainer, _dir.Combine("silo-cache"));
        if (holdAt is not null)
        {
            env["GRIDSEARCH_HOLD_AT"] = holdAt;
            env["GRIDSEARCH_HOLD_FILE"] = _dir.Combine($"held-{holdAt.Replace(':', '-')}");
        }

        if (releaseFile is not null)
        {
            env["GRIDSEARCH_HOLD_RELEASE"] = releaseFile;
        }

        return env;
    }

    /// <summary>
    /// The shared discriminating data set and the grid run on it uninterrupted in embedded mode: what cluster sweeps must
    /// match, numbers and winner's weights (written to <see cref="BaselineOut"/>).
    /// </summary>
    private async Task<(CliRun Cli, string Data, JsonObject Baseline)> BaselineAsync(string? copyTo = null)
    {
        string data = copyTo is null ? DiscriminatingData.Root : Copy(DiscriminatingData.Root, copyTo);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        var run = await cli.RunAsync(["run", "--data", data, .. Grid, "--slots", "1", "--threads", "1", "--json", "--out", BaselineOut]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (cli, data, JsonNode.Parse(run.Stdout)!.AsObject());
    }

    private string BaselineOut => _dir.Combine("baseline");

    private SiloProcess Silo(string name, Dictionary<string, string> env)
    {
        var silo = SiloProcess.Start(name, env);
        _processes.Add(silo);
        return silo;
    }

    [Fact]
    public async Task Cluster_TrainerKilledMidSweepAndFullRestart_SweepsEndLikeUninterruptedRuns()
    {
        var (cli, data, baseline) = await BaselineAsync();

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
        AssertSameResults(baseline, afterFailover, _dir.Combine("failover"));
        Assert.All(afterFailover["trials"]!.AsArray(), t => Assert.Equal("trainer-b", (string?)t!["silo"]));

        // 2. With a sweep unfinished, every silo and Redis are killed (SIGKILL, no clean shutdown anywhere); started
        // again, the cluster finishes it by itself from Redis' append-only file.
        trainerB.Kill();
        var trainerC = Silo("trainer-c", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:1:2"));
        await trainerC.WaitReadyAsync(trainers: 1, Ready);
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        var second = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "restarted", .. cluster]);
        Assert.True(second.ExitCode == 0, second.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-1-2")), Ready, "trainer-c to hold in epoch 1");
        gateway.Kill();
        trainerC.Kill();
        redis.Kill();

        await redis.StartAsync();
        var gateway2 = Silo("gateway-2", SiloEnvironment(redis, trainer: false));
        var trainerD = Silo("trainer-d", SiloEnvironment(redis, trainer: true));
        await gateway2.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster2 = ["--cluster", gateway2.Gateway, "--cluster-id", _clusterId];
        var restarted = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "restarted", .. cluster2, "--json", "--out", _dir.Combine("restarted")]);
        Assert.True(restarted.ExitCode == 0, $"{restarted}\n--- trainer-d ---\n{trainerD.Output}\n--- gateway-2 ---\n{gateway2.Output}");
        AssertSameResults(baseline, JsonNode.Parse(restarted.Stdout)!.AsObject(), _dir.Combine("restarted"));
    }

    [Fact]
    public async Task Cluster_OnlyTrainerKilledThenANewOneJoins_SweepWaitsAndEndsLikeAnUninterruptedRun()
    {
        var (cli, data, baseline) = await BaselineAsync();

        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false));
        var only = Silo("only-trainer", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:2:3"));
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await only.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", gateway.Gateway, "--cluster-id", _clusterId];
        var submitted = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "lost-all", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-2-3")), Ready, "the trainer to hold in epoch 2");

        // The only trainer dies: the sweep must wait, and say so, rather than fail.
        only.Kill();
        var waiting = await Eventually.WaitAsync(
            async () => await cli.RunAsync(["status", "lost-all", .. cluster]),
            r => r.ExitCode != 0 || r.Stdout.Contains("waiting for a trainer silo"),
            Ready, "status to say that the sweep waits for a trainer");
        Assert.True(waiting.ExitCode == 0, waiting.ToString());
        Assert.Contains("Running", waiting.Stdout);

        var replacement = Silo("new-trainer", SiloEnvironment(redis, trainer: true));
        await replacement.WaitReadyAsync(trainers: 1, Ready);
        var finished = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "lost-all", .. cluster, "--json", "--out", _dir.Combine("lost-all")]);
        Assert.True(finished.ExitCode == 0, $"{finished}\n--- new-trainer ---\n{replacement.Output}\n--- gateway ---\n{gateway.Output}");
        AssertSameResults(baseline, JsonNode.Parse(finished.Stdout)!.AsObject(), _dir.Combine("lost-all"));
    }

    [Fact]
    public async Task Cluster_CoordinatorsSiloKilledWhileWatching_WatchGoesOnAndTheSweepEndsLikeAnUninterruptedRun()
    {
        var (cli, data, baseline) = await BaselineAsync();

        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        // Coordinators prefer silos that do not train: this gateway holds the sweep's, and stops inside its turn after
        // the first run finished, so the kill below lands in the middle of the sweep.
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false, holdAt: "run-finished"));
        var trainer = Silo("trainer", SiloEnvironment(redis, trainer: true));
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await trainer.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", trainer.Gateway, "--cluster-id", _clusterId]; // the client talks to the trainer
        var submitted = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "coordinator-lost", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        using var watch = cli.Start(["watch", "coordinator-lost", .. cluster, "--json", "--out", _dir.Combine("coordinator-lost")]);
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        watch.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        watch.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        // Watch follows from here on; the coordinator stops answering once it holds, until its silo is gone.
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-run-finished")), Ready, "the coordinator to hold after a run");
        Assert.False(watch.HasExited, $"watch ended before the coordinator's silo was killed\n{stdout}\n{stderr}");

        gateway.Kill();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await watch.WaitForExitAsync(deadline.Token);
        watch.WaitForExit();

        Assert.True(watch.ExitCode == 0, $"watch exited {watch.ExitCode}\n{stdout}\n{stderr}\n--- trainer ---\n{trainer.Output}");
        AssertSameResults(baseline, JsonNode.Parse(stdout.ToString())!.AsObject(), _dir.Combine("coordinator-lost"));
    }

    [Fact]
    public async Task Cluster_TrainerDrainedMidEpoch_FinishesAndCheckpointsThatEpoch_ThenTheRunsMoveAndTheResultIsUnchanged()
    {
        var (cli, data, baseline) = await BaselineAsync();

        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false));
        // The leaving trainer pauses after batch 3 of epoch 2 until the test lets it go: the drain provably finds the
        // sweep's group in the middle of an epoch.
        string release = _dir.Combine("release-leaving");
        var leaving = Silo("leaving", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:2:3", releaseFile: release));
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await leaving.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", gateway.Gateway, "--cluster-id", _clusterId];
        var submitted = await cli.RunAsync(["submit", "--data", data, .. Grid, "--sweep-id", "drained", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-2-3")), Ready, "the leaving trainer to hold in epoch 2");
        var staying = Silo("staying", SiloEnvironment(redis, trainer: true));
        await staying.WaitReadyAsync(trainers: 2, Ready);
        await gateway.WaitReadyAsync(trainers: 2, Ready);

        // SIGTERM, as on a node drain, while the epoch is half done; once the silo says it drains, the epoch may go on.
        var terminated = leaving.TerminateAsync(TimeSpan.FromMinutes(2));
        await Eventually.WaitAsync(() => leaving.Output.Contains("Draining the trainer slots for shutdown: 1 piece(s) of work"), Ready,
            "the leaving trainer to start draining");
        File.WriteAllText(release, "go\n");
        await terminated;
        Assert.True(leaving.HasExited, $"the drained trainer did not exit\n{leaving.Output}");
        Assert.Contains("Trainer slots drained for shutdown (0 still stopping)", leaving.Output);

        var drained = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "drained", .. cluster, "--json", "--out", _dir.Combine("drained")]);
        Assert.True(drained.ExitCode == 0, $"{drained}\n--- leaving ---\n{leaving.Output}\n--- staying ---\n{staying.Output}");
        var result = JsonNode.Parse(drained.Stdout)!.AsObject();
        // The epoch caught half done was finished and checkpointed by the leaving trainer (no epoch trained twice,
        // same numbers and weights), and the runs' last epoch moved to the staying one.
        AssertSameResults(baseline, result, _dir.Combine("drained"));
        Assert.All(result["trials"]!.AsArray(), t => Assert.Equal("staying", (string?)t!["silo"]));
    }

    [Fact]
    public async Task Cluster_DataChangedWhileTheTrainerWasDown_FailsTheSweep_AndOnceTheFilesAreBackResumeAndExportGiveTheUninterruptedResult()
    {
        // A copy of the shared data set: this test takes files away and puts them back.
        var (cli, data, baseline) = await BaselineAsync(copyTo: _dir.Combine("data"));
        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false));
        var first = Silo("first-trainer", SiloEnvironment(redis, trainer: true, holdAt: "mid-epoch:2:3"));
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await first.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", gateway.Gateway, "--cluster-id", _clusterId];
        var submitted = await cli.RunAsync(["submit", "--data", data, .. Grid, "--retries", "0", "--sweep-id", "changed", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held-mid-epoch-2-3")), Ready, "the trainer to hold in epoch 2");

        first.Kill();
        string aside = Directory.CreateDirectory(_dir.Combine("aside")).FullName;
        var moved = Directory.GetFiles(Path.Combine(data, "b")).Order().Take(5).ToList();
        foreach (string file in moved)
        {
            File.Move(file, Path.Combine(aside, Path.GetFileName(file))); // a move keeps size and modification time
        }

        // Another trainer (its own decode cache, a fresh listing of the folder) must refuse the sweep's runs.
        var secondEnvironment = SiloEnvironment(redis, trainer: true);
        secondEnvironment["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("second-cache");
        var second = Silo("second-trainer", secondEnvironment);
        await second.WaitReadyAsync(trainers: 1, Ready);
        var ended = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "changed", .. cluster, "--json", "--out", _dir.Combine("changed")]);

        Assert.True(ended.ExitCode == 1, $"{ended}\n--- second-trainer ---\n{second.Output}");
        var result = JsonNode.Parse(ended.Stdout)!.AsObject();
        Assert.Equal("Failed", (string?)result["status"]);
        Assert.Contains("is not the one the sweep started with", (string?)result["message"]);
        Assert.Equal(DiscriminatingData.Images, (int)result["dataset"]!["images"]!); // the data set it started with, and only that

        // The files back as they were: the failed sweep resumed on the cluster ends like the uninterrupted run, and
        // export --cluster writes the same winner.
        foreach (string file in moved)
        {
            File.Move(Path.Combine(aside, Path.GetFileName(file)), file);
        }

        var resumed = await cli.RunAsync(TimeSpan.FromMinutes(3), ["resume", "changed", .. cluster, "--json", "--out", _dir.Combine("resumed")]);
        Assert.True(resumed.ExitCode == 0, $"{resumed}\n--- second-trainer ---\n{second.Output}");
        var after = JsonNode.Parse(resumed.Stdout)!.AsObject();
        Assert.Equal("Completed", (string?)after["status"]);
        Assert.Equal(ResultsJson.Numbers(baseline), ResultsJson.Numbers(after));
        Assert.Equal(baseline["best"]!.ToJsonString(), after["best"]!.ToJsonString());
        Assert.Equal((double)baseline["testAccuracy"]!, (double)after["testAccuracy"]!);
        Assert.Null(WinnerFiles.Difference(BaselineOut, _dir.Combine("resumed")));

        var exported = await cli.RunAsync(["export", "changed", .. cluster, "--out", _dir.Combine("exported")]);
        Assert.True(exported.ExitCode == 0, exported.ToString());
        Assert.Null(WinnerFiles.Difference(BaselineOut, _dir.Combine("exported")));
        Assert.Equal(ResultsJson.Numbers(baseline),
            ResultsJson.Numbers(JsonNode.Parse(File.ReadAllText(_dir.Combine("exported", "results.json")))!.AsObject()));
    }

    private static string Copy(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return to;
    }

    private void AssertSameResults(JsonObject expected, JsonObject actual, string outDir)
    {
        Assert.Equal("Completed", (string?)actual["status"]);
        Assert.Equal(ResultsJson.Numbers(expected), ResultsJson.Numbers(actual));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal((double)expected["testAccuracy"]!, (double)actual["testAccuracy"]!);
        // Each grid cell done exactly once and no completed epoch trained again.
        Assert.Equal((int)expected["timings"]!["epochsTrained"]!, (int)actual["timings"]!["epochsTrained"]!);
        // The winner's own weights, not only its numbers.
        Assert.Null(WinnerFiles.Difference(BaselineOut, outDir));
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _dir.Dispose();
    }
}
