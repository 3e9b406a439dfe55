using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// A newcomer's mistakes when starting silos by hand: each ends the silo at once with one message naming the setting to
/// change (exit 1, no stack trace), before it joins the cluster, so it never harms the silos already running.
/// </summary>
public sealed class SiloPreflightTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("preflight");
    private readonly List<IDisposable> _owned = [];

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    private async Task<RedisServer> RedisAsync(string? password = null)
    {
        var redis = Own(new RedisServer(_dir.Combine("redis"), password));
        await redis.StartAsync();
        return redis;
    }

    private Dictionary<string, string> Environment(RedisServer redis, string clusterId)
    {
        var env = SiloProcess.TestTimings();
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = clusterId;
        env["GridSearch__Trainer__Device"] = "cpu";
        env["GridSearch__Trainer__Slots"] = "1";
        env["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("cache");
        return env;
    }

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
        var env = Environment(redis, "mistakes");
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
        string output = await ExitOutputAsync(Own(SiloProcess.Start("no-roots", Environment(redis, "no-roots"), tempDataRoot: false)));

        Assert.Contains("GridSearch__Trainer__DataRoots__0", output);
    }

    [Fact]
    public async Task Silo_WithAWrongRedisPassword_ExitsAtOnceNamingThePasswordSetting()
    {
        var redis = await RedisAsync("the-password");
        var env = Environment(redis, "wrong-password");
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
        var env = Environment(redis, "no-redis");
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
        var env = Environment(redis, "clash");
        var running = Own(SiloProcess.Start("running", env));
        await running.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        string[] cluster = ["--cluster", running.Gateway, "--cluster-id", "clash"];
        var submitted = await cli.RunAsync(["submit", "--data", data, "--lr", "0.05,0.01", "--batch-size", "8", "--epochs", "3",
            "--sweep-id", "clash", .. cluster]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());

        string output = await ExitOutputAsync(Own(SiloProcess.Start("clashing", env, portsOf: running)));
        var watched = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "clash", "--json", "--out", _dir.Combine("out"), .. cluster]);

        Assert.Contains($"port {running.SiloPort} cannot be opened", output);
        Assert.Contains("GridSearch__Cluster__SiloPort", output);
        Assert.True(watched.ExitCode == 0, watched.ToString());
        Assert.DoesNotContain("I have been told I am dead", running.Output);
        var ready = (await running.ReadinessAsync())!.Value.GetProperty("checks").GetProperty("silo").GetProperty("data");
        Assert.Equal(1, ready.GetProperty("activeSilos").GetInt32());
        Assert.False(running.HasExited);
    }

    public void Dispose()
    {
        foreach (var item in _owned.AsEnumerable().Reverse())
        {
            item.Dispose();
        }

        _dir.Dispose();
    }
}
