using GridSearch.TestSupport;
using StackExchange.Redis;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// What an operator does with a cluster by hand: the commands GridSearch suggests work when copied as printed (with the
/// cluster, cluster id and TLS options in use), and delete removes the sweep's keys from Redis.
/// </summary>
public sealed class ClusterOperatorTests() : ProcessTest("operator")
{
    private const string ClusterId = "operator-cluster";

    [Fact]
    public async Task Delete_OfARunningSweep_SuggestsACancelThatWorksAsPrinted_ThenLeavesNoKeyOfTheSweepInRedis()
    {
        var redis = await RedisAsync();
        var silo = Own(SiloProcess.Start("operator-silo", ClusterEnvironment(redis, ClusterId)));
        await silo.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var cli = new CliRun(Dir.Combine("state"), Dir.Combine("cli-cache"));
        string data = TestImages.WriteImageFolder(Dir.Combine("data"), perClass: 20);
        string[] reach = ["--cluster", silo.Gateway, "--cluster-id", ClusterId];
        // Long enough to be running when delete comes: many epochs of a small model.
        var submitted = await cli.RunAsync(["submit", "--data", data, "--lr", "0.01", "--batch-size", "8", "--epochs", "400",
            "--sweep-id", "to-delete", .. reach]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        Assert.Contains($"gridsearch watch to-delete --cluster {silo.Gateway} --cluster-id {ClusterId}", submitted.Stderr + submitted.Stdout);

        var refused = await cli.RunAsync(["delete", "to-delete", .. reach]);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        string suggested = refused.Stderr[(refused.Stderr.IndexOf("'gridsearch cancel", StringComparison.Ordinal) + 1)..];
        suggested = suggested[..suggested.IndexOf('\'')];
        Assert.Equal($"gridsearch cancel to-delete --cluster {silo.Gateway} --cluster-id {ClusterId}", suggested);
        var cancelled = await cli.RunAsync(suggested.Split(' ')[1..]);
        Assert.True(cancelled.ExitCode == 0, cancelled.ToString());
        var deleted = await cli.RunAsync(["delete", "to-delete", .. reach]);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = connection.GetServer(redis.ConnectionString).Keys(pattern: "*to-delete*").Select(k => k.ToString()).ToList();
        Assert.True(keys.Count == 0, "keys left behind: " + string.Join(", ", keys));
    }

    [Fact]
    public async Task Submit_WithARelativeDataPath_IsRefusedBeforeConnecting_SayingTrainersNeedTheirOwnPath()
    {
        var cli = new CliRun(Dir.Combine("state"), Dir.Combine("cli-cache"));

        var result = await cli.RunAsync(["submit", "--data", "datasets/cat_dog", "--cluster", $"127.0.0.1:{FreePort.Next()}"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("'datasets/cat_dog' is a relative path", result.Stderr);
        Assert.Contains("as the trainers see it", result.Stderr);
    }
}
