using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GridSearch.Hosting;
using GridSearch.TestSupport;

namespace GridSearch.Deploy.Tests;

/// <summary>
/// A client pointed at the wrong place fails within seconds, saying what it tried and what to check: nothing listening,
/// something that is not a gateway, a gateway of another cluster (named), a TLS gateway reached without TLS.
/// </summary>
public sealed class GatewayReachTests() : ProcessTest("reach")
{
    private async Task<(CliResult Result, TimeSpan Took)> CliAsync(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        // A connect timeout far beyond the guard below: a reason found by the probe comes well before it, even on a
        // machine so loaded that the probe has to ask a few times.
        var result = await new CliRun(Dir.Combine("state"), Dir.Combine("cache"))
            .RunAsync(TimeSpan.FromMinutes(6), [.. args, "--connect-timeout", ConnectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return (result, clock.Elapsed);
    }

    private static void AssertFailedFast(CliResult result, TimeSpan took, string expected)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.True(result.Stderr.Contains(expected, StringComparison.Ordinal), result.ToString());
        // A guard against waiting for the connect timeout, not a speed goal (those are measured by benchmarks).
        Assert.True(took < TimeSpan.FromSeconds(ConnectTimeoutSeconds / 3), $"took {took.TotalSeconds:F1} s\n{result}");
    }

    private const int ConnectTimeoutSeconds = 300;

    [Fact]
    public async Task Cancel_AgainstAPortNothingListensOn_FailsNamingTheAddressAndTheGatewayPort()
    {
        int port = FreePort.Next();

        var (result, took) = await CliAsync("cancel", "some-sweep", "--cluster", $"127.0.0.1:{port}");

        AssertFailedFast(result, took, $"nothing accepts connections at 127.0.0.1:{port}");
        Assert.Contains("GatewayPort", result.Stderr);
    }

    [Fact]
    public async Task Cancel_AgainstAnotherKindOfServer_SaysItIsNotAGatewayAndWhatItAnswered()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                _ = client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-OpenSSH_9.2\r\n"), stop.Token).AsTask();
            }
        }, stop.Token);
        try
        {
            var (result, took) = await CliAsync("cancel", "some-sweep", "--cluster", $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");

            AssertFailedFast(result, took, "is not a GridSearch gateway (it answered \"SSH-2.0-OpenSSH_9.2");
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
        }
    }

    private async Task<SiloProcess> SiloAsync(string clusterId, Dictionary<string, string>? extra = null)
    {
        var env = ClusterEnvironment(await RedisAsync($"redis-{clusterId}"), clusterId);
        env["GridSearch__Trainer__Enabled"] = "false";
        foreach (var (key, value) in extra ?? [])
        {
            env[key] = value;
        }

        var silo = Own(SiloProcess.Start(clusterId, env));
        await silo.WaitReadyAsync(trainers: 0, TimeSpan.FromMinutes(1));
        return silo;
    }

    [Fact]
    public async Task List_WithAnotherClusterId_NamesTheClusterIdTheGatewayAnnounced()
    {
        var silo = await SiloAsync("reach-blue");

        var (result, took) = await CliAsync("list", "--cluster", silo.Gateway, "--cluster-id", "reach-green");

        AssertFailedFast(result, took, "belongs to another cluster (it announced cluster id 'reach-blue')");
        Assert.Contains("--cluster-id reach-blue", result.Stderr);
    }

    [Fact]
    public async Task Greeting_AGatewayOfAnotherCluster_AnswersWithItsClusterIdAndOnlyAGatewayAnswers()
    {
        var silo = await SiloAsync("greet-blue");
        var wait = TimeSpan.FromSeconds(20);
        var cancellation = TestContext.Current.CancellationToken;

        string? announced = await GatewayGreeting.AnnouncedClusterIdAsync(IPEndPoint.Parse(silo.Gateway), "greet-green", wait, cancellation);
        string? ownCluster = await GatewayGreeting.AnnouncedClusterIdAsync(IPEndPoint.Parse(silo.Gateway), "greet-blue", wait, cancellation);
        var redis = await RedisAsync("redis-plain");
        string? redisAnswer = await GatewayGreeting.AnnouncedClusterIdAsync(IPEndPoint.Parse(redis.ConnectionString), "greet-blue", wait, cancellation);

        // The silo's log goes with a failure: this exchange has failed now and then under a full test run's load.
        Assert.True(announced == "greet-blue", $"announced '{announced}'\n--- silo ---\n{silo.Output}");
        Assert.True(ownCluster == "greet-blue", $"announced '{ownCluster}' to its own cluster\n--- silo ---\n{silo.Output}");
        Assert.Null(redisAnswer);
    }

    [Fact]
    public async Task List_WithoutTlsAgainstATlsGateway_SaysTheGatewayRequiresTls()
    {
        var (pfx, pem) = TestCertificates.SelfSigned(Dir.Path, "pfx-password");
        var silo = await SiloAsync("reach-tls", new()
        {
            ["GridSearch__Tls__CertificatePath"] = pfx,
            ["GridSearch__Tls__CertificatePassword"] = "pfx-password",
            ["GridSearch__Tls__TrustedCertificatePath"] = pem,
        });

        var (result, took) = await CliAsync("list", "--cluster", silo.Gateway, "--cluster-id", "reach-tls");

        AssertFailedFast(result, took, "requires TLS: pass --tls-certificate");
    }

    [Fact]
    public async Task List_WithTheRightSettings_StillConnects()
    {
        var silo = await SiloAsync("reach-right");

        var (result, _) = await CliAsync("list", "--json", "--cluster", silo.Gateway, "--cluster-id", "reach-right");

        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
