using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GridSearch.TestSupport;
using k8s.Models;

namespace GridSearch.Deploy.Tests;

/// <summary>Real silo processes on loopback, configured the way the manifests configure them.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private const string RedisPassword = "manifest-test-password";
    private readonly TemporaryDirectory _dir = new("deploy");
    private readonly List<IDisposable> _owned = [];

    /// <summary>
    /// The trainer StatefulSet's environment, resolved as Kubernetes would (downward API, the Redis secret) with
    /// what cannot hold on a CI machine replaced: loopback Redis and ports, CPU instead of CUDA, a temp cache.
    /// </summary>
    private Dictionary<string, string> ManifestEnvironment(RedisServer redis)
    {
        var container = Manifests.SiloContainers.Single(s => s.Workload == "gridsearch-trainer").Container;
        var values = new Dictionary<string, string>();
        foreach (V1EnvVar env in container.Env)
        {
            values[env.Name] = env.ValueFrom switch
            {
                { FieldRef.FieldPath: "metadata.name" } => "gridsearch-trainer-0",
                { FieldRef.FieldPath: "status.podIP" } => "127.0.0.1",
                { SecretKeyRef: { Name: "gridsearch-redis", Key: "password" } } => RedisPassword,
                null => env.Value,
                _ => throw new InvalidOperationException($"{env.Name}: unexpected valueFrom"),
            };
        }

        foreach (var (key, value) in values.ToList())
        {
            values[key] = value.Replace("$(POD_NAME)", values["POD_NAME"]).Replace("$(POD_IP)", values["POD_IP"]);
        }

        values["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        values["GridSearch__Cluster__ClusterId"] = values["GridSearch__Cluster__ServiceId"] = $"manifest-{Guid.NewGuid():N}";
        values["GridSearch__Trainer__Device"] = "cpu"; // no GPU on CI machines
        values["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("cache");
        values.Remove("GridSearch__Cluster__SiloPort");
        values.Remove("GridSearch__Cluster__GatewayPort");
        values.Remove("GridSearch__Cluster__HttpPort"); // SiloProcess assigns free loopback ports
        return values;
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    [Fact]
    public async Task Silo_WithTheManifestsEnvironment_ReportsReady()
    {
        var redis = Own(new RedisServer(_dir.Combine("redis"), RedisPassword));
        await redis.StartAsync();

        var silo = Own(SiloProcess.Start("gridsearch-trainer-0", ManifestEnvironment(redis)));

        await silo.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var ready = (await silo.ReadinessAsync())!.Value;
        Assert.Equal("gridsearch-trainer-0", ready.GetProperty("checks").GetProperty("silo").GetProperty("data").GetProperty("silo").GetString());
    }

    [Fact]
    public async Task Silo_WithAWrongRedisPassword_NeverReportsReady()
    {
        var redis = Own(new RedisServer(_dir.Combine("redis"), RedisPassword));
        await redis.StartAsync();
        var env = ManifestEnvironment(redis);
        env["GridSearch__Cluster__RedisPassword"] = "wrong";

        var silo = Own(SiloProcess.Start("wrong-password", env));

        await Assert.ThrowsAnyAsync<Exception>(() => silo.WaitReadyAsync(trainers: 1, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task Tls_ClientsWithTheClusterCertificateConnectAndOthersDoNot()
    {
        string pfx = _dir.Combine("cluster.pfx");
        string trusted = _dir.Combine("cluster.crt");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=gridsearch-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
            File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
            File.WriteAllText(trusted, certificate.ExportCertificatePem());
        }

        var redis = Own(new RedisServer(_dir.Combine("redis")));
        await redis.StartAsync();
        var env = SiloProcess.TestTimings();
        string clusterId = $"tls-{Guid.NewGuid():N}"[..16];
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = clusterId;
        env["GridSearch__Trainer__Enabled"] = "false";
        env["GridSearch__Tls__CertificatePath"] = pfx;
        env["GridSearch__Tls__CertificatePassword"] = "pfx-password";
        env["GridSearch__Tls__TrustedCertificatePath"] = trusted;
        var first = Own(SiloProcess.Start("tls-1", env));
        var second = Own(SiloProcess.Start("tls-2", env));
        await first.WaitReadyAsync(trainers: 0, TimeSpan.FromMinutes(1));
        await Eventually.WaitAsync(first.ReadinessAsync, r => r?.GetProperty("checks").GetProperty("silo").GetProperty("data")
            .GetProperty("activeSilos").GetInt32() == 2, TimeSpan.FromMinutes(1), "both TLS silos to join one cluster");

        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        var withTls = await cli.RunAsync("list", "--cluster", first.Gateway, "--cluster-id", clusterId, "--json",
            "--tls-certificate", pfx, "--tls-password", "pfx-password", "--tls-trusted", trusted);
        var withoutTls = await cli.RunAsync(TimeSpan.FromMinutes(2), "list", "--cluster", first.Gateway, "--cluster-id", clusterId, "--json",
            "--connect-timeout", "5");

        Assert.True(withTls.ExitCode == 0, withTls.ToString());
        Assert.Equal("[]", withTls.Stdout.Trim());
        Assert.Equal(1, withoutTls.ExitCode);
        Assert.Contains("Cannot reach the GridSearch cluster", withoutTls.Stderr);
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
