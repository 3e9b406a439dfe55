using System.Text.Json.Nodes;
using GridSearch.TestSupport;

namespace GridSearch.Cluster.Tests;

/// <summary>
/// A user's program on a Redis cluster of real processes: trainers refuse programs unless their operator allows them,
/// and a run whose trainer is killed mid-run resumes on another trainer from the run folder saved with its last report
/// (the new trainer keeps its run folders elsewhere, so nothing but the checkpoint carries the folder), ending exactly
/// like the sweep run uninterrupted in embedded mode, with no reported epoch trained twice.
/// </summary>
public sealed class ProgramClusterTests : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromMinutes(1);
    private readonly TemporaryDirectory _dir = new("program-cluster");
    private readonly List<IDisposable> _processes = [];
    private readonly string _clusterId = $"gs-prog-{Guid.NewGuid():N}"[..20];

    public ProgramClusterTests() => File.WriteAllText(_dir.Combine("train.py"), ResumableProgram.Script);

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _dir.Dispose();
    }

    private string[] Sweep => ["--command", $"/usr/bin/python3 {_dir.Combine("train.py")} --lr {{lr}}", "--param", "lr=0.1,0.3", "--epochs", "2,4"];

    private Dictionary<string, string> SiloEnvironment(RedisServer redis, bool trainer, string name, bool allowPrograms = true, bool sharedCopies = false)
    {
        var env = SiloProcess.ClusterEnvironment(redis, _clusterId, trainer, _dir.Combine("silo-cache"));
        env["GridSearch__Trainer__AllowPrograms"] = allowPrograms ? "true" : "false";
        env["GridSearch__Trainer__RunFolders"] = _dir.Combine($"run-folders-{name}");
        if (sharedCopies)
        {
            env["GridSearch__Trainer__RunFolderStore"] = _dir.Combine("shared-copies");
        }

        ResumableProgram.Prepare(env, _dir.Combine("ledger-cluster"));
        return env;
    }

    private SiloProcess Silo(string name, Dictionary<string, string> env)
    {
        var silo = SiloProcess.Start(name, env);
        _processes.Add(silo);
        return silo;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the copies on a volume both trainers share (a PersistentVolumeClaim on Kubernetes), not in Redis
    public async Task TrainerKilledMidRun_TheRunResumesFromItsFolderOnAnotherTrainer_LikeAnUninterruptedSweep(bool sharedCopies)
    {
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        ResumableProgram.Prepare(cli.Environment, _dir.Combine("ledger-embedded"));
        var baseline = await cli.RunAsync(["run", .. Sweep, "--slots", "1", "--json", "--out", _dir.Combine("baseline")]);
        Assert.True(baseline.ExitCode == 0, baseline.ToString());

        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        var gateway = Silo("gateway", SiloEnvironment(redis, trainer: false, "gateway"));
        var first = SiloEnvironment(redis, trainer: true, "first", sharedCopies: sharedCopies);
        first["TEST_HOLD_RUN"] = "lr0.3-ep4";
        first["TEST_HOLD_EPOCH"] = "3";
        first["TEST_HOLD_FILE"] = _dir.Combine("held");
        var trainer = Silo("first-trainer", first);
        await gateway.WaitReadyAsync(trainers: 1, Ready);
        await trainer.WaitReadyAsync(trainers: 1, Ready);
        string[] cluster = ["--cluster", gateway.Gateway, "--cluster-id", _clusterId];
        var submitted = await cli.RunAsync(["submit", .. Sweep, "--sweep-id", "moved", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        await Eventually.WaitAsync(() => File.Exists(_dir.Combine("held")), Ready, "the program to hold before epoch 3 of lr0.3");
        await Eventually.WaitAsync(async () => await cli.RunAsync(["status", "moved", "--json", .. cluster]),
            r => r.ExitCode == 0 && JsonNode.Parse(r.Stdout)!["trials"]!.AsArray()
                .Single(t => (string?)t!["id"] == "lr0.3-ep4")!["valAccuracy"]!.AsArray().Count == 2,
            Ready, "epochs 1 and 2 of lr0.3 recorded");

        Assert.Equal(sharedCopies, Directory.Exists(_dir.Combine("shared-copies", "moved", "lr0.3-ep4", "epoch-2")));
        trainer.Kill();
        var replacement = Silo("second-trainer", SiloEnvironment(redis, trainer: true, "second", sharedCopies: sharedCopies));
        await replacement.WaitReadyAsync(trainers: 1, Ready);
        var finished = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "moved", .. cluster, "--json", "--out", _dir.Combine("moved")]);

        Assert.True(finished.ExitCode == 0, $"{finished}\n--- second trainer ---\n{replacement.Output}");
        var expected = JsonNode.Parse(baseline.Stdout)!.AsObject();
        var actual = JsonNode.Parse(finished.Stdout)!.AsObject();
        Assert.Equal(ResultTrials.Comparable(expected["trials"]!, "silo"), ResultTrials.Comparable(actual["trials"]!, "silo"));
        Assert.Equal(expected["best"]!.ToJsonString(), actual["best"]!.ToJsonString());
        Assert.Equal(File.ReadAllLines(_dir.Combine("ledger-embedded")).Order(), File.ReadAllLines(_dir.Combine("ledger-cluster")).Order());
        Assert.True(Directory.Exists(_dir.Combine("run-folders-second")), "the second trainer trained from its own run folders");
        Assert.False(Directory.Exists(_dir.Combine("shared-copies", "moved")), "the shared copies go with the completed sweep");
    }

    [Fact]
    public async Task TrainerThatDoesNotAllowPrograms_FailsTheRunsWithAnErrorNamingTheSetting()
    {
        using var redis = new RedisServer(_dir.Combine("redis"));
        await redis.StartAsync();
        var silo = Silo("closed", SiloEnvironment(redis, trainer: true, "closed", allowPrograms: false));
        await silo.WaitReadyAsync(trainers: 1, Ready);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        string[] cluster = ["--cluster", silo.Gateway, "--cluster-id", _clusterId];

        var submitted = await cli.RunAsync(["submit", .. Sweep, "--retries", "0", "--sweep-id", "refused", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var finished = await cli.RunAsync(TimeSpan.FromMinutes(2), ["watch", "refused", .. cluster, "--json", "--out", _dir.Combine("refused")]);

        Assert.NotEqual(0, finished.ExitCode);
        Assert.All(JsonNode.Parse(finished.Stdout)!["trials"]!.AsArray(), cell =>
        {
            Assert.Equal("Failed", (string?)cell!["status"]);
            Assert.Contains("GridSearch:Trainer:AllowPrograms", (string?)cell["error"], StringComparison.Ordinal);
        });
        Assert.False(File.Exists(_dir.Combine("ledger-cluster")), "no program ran");
    }
}
