using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// A newcomer's mistakes when starting silos by hand: each ends the silo at once with one message naming the setting to
/// change (exit 1, no stack trace), before it joins the cluster, so it never harms the silos already running.
/// </summary>
public sealed class SiloPreflightTests() : ProcessTest("preflight")
{
    private static async Task<string> ExitOutputAsync(SiloProcess silo)
    {
        int code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(code == 1, $"exit {code}\n{silo.Output}");
        Assert.DoesNotContain("Unhandled exception", silo.Output);
        Assert.DoesNotContain("   at ", silo.Output); // no stack trace
        return silo.Output;
    }

    [Fact]
    public async Task Silo_WithSeveralConfigurationMistakes_ReportsEveryOneAtOnceAndExitsOne()
    {
        var redis = await RedisAsync();
        var env = ClusterEnvironment(redis, "mistakes");
        env["GridSearch__Trainer__DataRoots__0"] = "relative/data";
        env["GridSearch__Trainer__Slots"] = "-1";
        env["GridSearch__Trainer__Numerics"] = "turbo";
        env["GridSearch__Trainer__Device"] = "tpu";

        string output = await ExitOutputAsync(Own(SiloProcess.Start("mistakes", env)));

        Assert.Contains("4 problem(s)", output);
        Assert.Contains("GridSearch:Trainer:DataRoots entry 'relative/data' must be an absolute path", output);
        Assert.Contains("GridSearch:Trainer:Slots is -1", output);
        Assert.Contains("GridSearch:Trainer:Numerics is 'turbo'", output);
        Assert.Contains("GridSearch:Trainer:Device is 'tpu'; use auto, cpu or cuda[:N]", output);
    }

    [Fact]
    public async Task Silo_WithoutDataRoots_SaysWhatToSetWithoutAStackTrace()
    {
        var redis = await RedisAsync();
        string output = await ExitOutputAsync(Own(SiloProcess.Start("no-roots", ClusterEnvironment(redis, "no-roots"), tempDataRoot: false)));

        Assert.Contains("GridSearch__Trainer__DataRoots__0", output);
    }

    [Fact]
    public async Task Silo_WithAWrongRedisPassword_ExitsAtOnceNamingThePasswordSetting()
    {
        var redis = await RedisAsync(password: "the-password");
        var env = ClusterEnvironment(redis, "wrong-password");
        env["GridSearch__Cluster__RedisPassword"] = "not-the-password";

        string output = await ExitOutputAsync(Own(SiloProcess.Start("wrong-password", env)));

        Assert.Contains("GridSearch:Cluster:RedisPassword", output);
        Assert.Contains("refused this silo's credentials", output);
        Assert.DoesNotContain("not-the-password", output);
    }

    [Fact]
    public async Task Silo_WithAnUnreachableRedis_GivesUpAfterItsWaitNamingTheAddress()
    {
        var redis = await RedisAsync();
        var env = ClusterEnvironment(redis, "no-redis");
        int closed = FreePort.Next();
        env["GridSearch__Cluster__Redis"] = $"127.0.0.1:{closed}";
        env["GridSearch__Cluster__RedisStartupWait"] = "00:00:02";

        string output = await ExitOutputAsync(Own(SiloProcess.Start("no-redis", env)));

        Assert.Contains($"Redis at 127.0.0.1:{closed} cannot be reached", output);
        Assert.Contains("GridSearch__Cluster__Redis", output);
    }

    [Fact]
    public async Task Silo_OnTheSamePortsAsARunningSilo_RefusesToStart_AndTheRunningSilosSweepCompletes()
    {
        var redis = await RedisAsync();
        var env = ClusterEnvironment(redis, "clash");
        var running = Own(SiloProcess.Start("running", env));
        await running.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var cli = new CliRun(Dir.Combine("state"), Dir.Combine("cli-cache"));
        string data = TestImages.WriteImageFolder(Dir.Combine("data"), perClass: 20);
        string[] cluster = ["--cluster", running.Gateway, "--cluster-id", "clash"];
        var submitted = await cli.RunAsync(["submit", "--data", data, "--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "3",
            "--sweep-id", "clash", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());

        string output = await ExitOutputAsync(Own(SiloProcess.Start("clashing", env, portsOf: running)));
        var watched = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "clash", "--json", "--out", Dir.Combine("out"), .. cluster]);

        Assert.Contains($"port {running.SiloPort} cannot be opened", output);
        Assert.Contains("GridSearch__Cluster__SiloPort", output);
        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.DoesNotContain("I have been told I am dead", running.Output);
        var ready = (await running.ReadinessAsync())!.Value.GetProperty("checks").GetProperty("silo").GetProperty("data");
        Assert.Equal(1, ready.GetProperty("activeSilos").GetInt32());
        Assert.False(running.HasExited);
        // The silo is started from the test's folder, not its own, and still reads its appsettings.json (JSON logs).
        Assert.Contains("{\"EventId\":", running.Output);
    }
}
