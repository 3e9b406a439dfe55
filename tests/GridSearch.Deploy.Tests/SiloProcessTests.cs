using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GridSearch.Abstractions;
using GridSearch.Hosting;
using GridSearch.Trainer.Grains;
using GridSearch.TestSupport;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    public async Task Silo_WithTheManifestsEnvironmentAndAWrongRedisPassword_ExitsNamingThePasswordSetting()
    {
        var redis = Own(new RedisServer(_dir.Combine("redis"), RedisPassword));
        await redis.StartAsync();
        var env = ManifestEnvironment(redis);
        env["GridSearch__Cluster__RedisPassword"] = "wrong";

        var silo = Own(SiloProcess.Start("wrong-password", env));
        int code = await silo.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 1, $"exit {code}\n{silo.Output}");
        Assert.Contains("GridSearch:Cluster:RedisPassword: Redis at", silo.Output);
        Assert.DoesNotContain("wrong", silo.Output.Replace("wrong-password", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tls_ClientsWithTheClusterCertificateConnectAndOthersDoNot()
    {
        var (pfx, trusted) = TestCertificates.SelfSigned(_dir.Path, "pfx-password");

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

    [Fact]
    public async Task Secrets_NeverAppearInLogsMetricsOrHealthOutput()
    {
        const string redisSecret = "redis-secret-4f9c81d2";
        const string certificateSecret = "pfx-secret-7b2e55a0";
        var (pfx, trusted) = TestCertificates.SelfSigned(_dir.Path, certificateSecret);
        var redis = Own(new RedisServer(_dir.Combine("redis"), redisSecret));
        await redis.StartAsync();
        var env = SiloProcess.TestTimings();
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__RedisPassword"] = redisSecret;
        env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = $"secrets-{Guid.NewGuid():N}"[..20];
        env["GridSearch__Trainer__Device"] = "cpu";
        env["GridSearch__Tls__CertificatePath"] = pfx;
        env["GridSearch__Tls__CertificatePassword"] = certificateSecret;
        env["GridSearch__Tls__TrustedCertificatePath"] = trusted;
        env["Logging__LogLevel__Default"] = "Debug"; // the most a silo ever logs

        var silo = Own(SiloProcess.Start("secrets", env));
        await silo.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
        var token = TestContext.Current.CancellationToken;
        string served = await http.GetStringAsync("/metrics", token) + await http.GetStringAsync("/healthz/ready", token)
                        + await http.GetStringAsync("/healthz/live", token);
        await silo.TerminateAsync(TimeSpan.FromMinutes(1));

        foreach (string secret in new[] { redisSecret, certificateSecret })
        {
            Assert.DoesNotContain(secret, silo.Output);
            Assert.DoesNotContain(secret, served);
        }

        Assert.Contains("gridsearch_trainer_slots", served); // the pages were really fetched
    }

    [Fact]
    public async Task Secrets_IncludingTheClusterSecret_NeverAppearInTheLogsOfASiloThatTrained()
    {
        const string redisSecret = "redis-secret-91a6c3e0";
        var redis = Own(new RedisServer(_dir.Combine("redis"), redisSecret));
        await redis.StartAsync();
        var env = SiloProcess.TestTimings();
        string clusterId = $"trained-{Guid.NewGuid():N}"[..20];
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__RedisPassword"] = redisSecret;
        env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = clusterId;
        env["GridSearch__Trainer__Device"] = "cpu";
        env["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("silo-cache");
        env["Logging__LogLevel__Default"] = "Debug"; // the most a silo ever logs
        var silo = Own(SiloProcess.Start("trained", env));
        await silo.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));

        // A whole sweep through the silo: trainer reports, checkpoints and the winner's test all carry the secret.
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        string[] cluster = ["--cluster", silo.Gateway, "--cluster-id", clusterId];
        var submitted = await cli.RunAsync(["submit", "--data", DiscriminatingData.Root, "--lr", "0.05,0.01", "--batch-size", "32",
            "--epochs", "2", "--image-size", "32", "--sweep-id", "secretive", .. cluster]);
        Assert.True(submitted.ExitCode == 0, $"{submitted}\n--- silo ---\n{silo.Output}");
        var watched = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "secretive", .. cluster, "--json", "--out", _dir.Combine("out")]);
        Assert.True(watched.ExitCode == 0, $"{watched}\n--- silo ---\n{silo.Output}");
        Assert.Equal("Completed", (string?)System.Text.Json.Nodes.JsonNode.Parse(watched.Stdout)!["status"]);
        await silo.TerminateAsync(TimeSpan.FromMinutes(1));

        // The cluster secret, as Redis holds it.
        var scan = await ProcessRun.RunAsync("redis-cli", ["-p", $"{redis.Port}", "-a", redisSecret, "--no-auth-warning", "--scan",
            "--pattern", "*internal-call-secret*"], TestContext.Current.CancellationToken);
        string key = Assert.Single(scan.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var type = await ProcessRun.RunAsync("redis-cli", ["-p", $"{redis.Port}", "-a", redisSecret, "--no-auth-warning", "TYPE", key],
            TestContext.Current.CancellationToken);
        var stored = await ProcessRun.RunAsync("redis-cli", ["-p", $"{redis.Port}", "-a", redisSecret, "--no-auth-warning",
            type.Output.Trim() == "hash" ? "HGETALL" : "GET", key], TestContext.Current.CancellationToken);
        string clusterSecret = System.Text.RegularExpressions.Regex.Match(stored.Output, "[0-9a-f]{64}").Value;
        Assert.True(clusterSecret.Length == 64, $"no secret in {key}: {stored.Output}");

        foreach (string secret in new[] { redisSecret, clusterSecret })
        {
            Assert.DoesNotContain(secret, silo.Output);
            Assert.DoesNotContain(secret, submitted.Stdout + submitted.Stderr + watched.Stdout + watched.Stderr);
        }

        Assert.Contains("secretive", silo.Output); // the log really covers the sweep
    }

    [Fact]
    public async Task StrictTlsCluster_ClientsReachOnlyThePublicApi_ClientOnlyCertificatesCannotJoin_OtherCasAndExpiredAreRefused()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority("CN=gridsearch-ca");
        using var otherCa = CertificateAuthority("CN=someone-elses-ca");
        string caPem = _dir.Combine("ca.crt");
        File.WriteAllText(caPem, ca.ExportCertificatePem());
        string siloPfx = Issue(ca, "silo", [ServerAuth, ClientAuth], now.AddDays(-1), now.AddDays(7));
        string clientPfx = Issue(ca, "client", [ClientAuth], now.AddDays(-1), now.AddDays(7));
        string foreignPfx = Issue(otherCa, "foreign-client", [ClientAuth], now.AddDays(-1), now.AddDays(7));
        string expiredPfx = Issue(ca, "expired-client", [ClientAuth], now.AddDays(-10), now.AddDays(-1));

        var redis = Own(new RedisServer(_dir.Combine("redis")));
        await redis.StartAsync();
        string clusterId = $"strict-{Guid.NewGuid():N}"[..16];
        Dictionary<string, string> Environment(string pfx, bool trainer, bool validateConnectivity)
        {
            var env = SiloProcess.TestTimings();
            env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
            env["GridSearch__Cluster__ClusterId"] = env["GridSearch__Cluster__ServiceId"] = clusterId;
            env["GridSearch__Trainer__Enabled"] = trainer ? "true" : "false";
            env["GridSearch__Trainer__Device"] = "cpu";
            env["GridSearch__Trainer__Slots"] = "1";
            env["GridSearch__Trainer__CacheDirectory"] = _dir.Combine("silo-cache");
            env["GridSearch__Tls__CertificatePath"] = pfx;
            env["GridSearch__Tls__CertificatePassword"] = "pfx-password";
            env["GridSearch__Tls__TrustedCertificatePath"] = caPem;
            env["GridSearch__Membership__ValidateInitialConnectivity"] = validateConnectivity ? "true" : "false";
            return env;
        }

        // A two-silo cluster with CA-signed silo certificates: a gateway and a trainer.
        var gateway = Own(SiloProcess.Start("strict-gateway", Environment(siloPfx, trainer: false, validateConnectivity: false)));
        var trainer = Own(SiloProcess.Start("strict-trainer", Environment(siloPfx, trainer: true, validateConnectivity: false)));
        await gateway.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        await trainer.WaitReadyAsync(trainers: 1, TimeSpan.FromMinutes(1));
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cli-cache"));
        string[] Reach(string pfx) => ["--cluster", gateway.Gateway, "--cluster-id", clusterId, "--connect-timeout", "10",
            "--tls-certificate", pfx, "--tls-password", "pfx-password", "--tls-trusted", caPem];

        // A client with a client-only certificate uses the public API: a sweep runs to the end.
        string data = TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 20);
        var submitted = await cli.RunAsync(["submit", "--data", data, "--lr", "0.05", "--batch-size", "8", "--epochs", "2",
            "--sweep-id", "strict", .. Reach(clientPfx)]);
        Assert.True(submitted.ExitCode == 0, submitted.ToString());
        var watched = await cli.RunAsync(TimeSpan.FromMinutes(3), ["watch", "strict", "--json", "--out", _dir.Combine("strict"), .. Reach(clientPfx)]);
        Assert.True(watched.ExitCode == 0, watched.ToString());

        // The same client calling what trainers tell coordinators is refused, and the results do not change.
        using (var client = await TlsClientAsync(gateway.Gateway, clusterId, clientPfx, caPem))
        {
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var coordinator = grains.GetGrain<ISweepCoordinatorGrain>("strict");
            var before = (await coordinator.GetSnapshotAsync())!;
            var reports = grains.GetGrain<ITrainerReports>("strict");
            await Assert.ThrowsAsync<PermissionDeniedException>(() =>
                reports.RecordEpochAsync(before.Cells[0].CellId, 1, new EpochMetrics(1, 0.0, 1.0, 0.1, 1), [42f], replayed: false));
            await Assert.ThrowsAsync<PermissionDeniedException>(() => reports.RecordTestResultAsync(1.0, null));
            var after = (await coordinator.GetSnapshotAsync())!;
            Assert.Equal(before.Best, after.Best);
            Assert.Equal(before.TestAccuracy, after.TestAccuracy);
        }

        var foreign = await cli.RunAsync(TimeSpan.FromMinutes(2), ["list", "--json", .. Reach(foreignPfx)]);
        var expired = await cli.RunAsync(TimeSpan.FromMinutes(2), ["list", "--json", .. Reach(expiredPfx)]);
        // A client-only certificate used to join as a silo: the silo ports refuse it.
        var impostor = Own(SiloProcess.Start("impostor", Environment(clientPfx, trainer: true, validateConnectivity: true)));

        Assert.Equal(1, foreign.ExitCode);
        Assert.Equal(1, expired.ExitCode);
        await Eventually.WaitAsync(() => gateway.Output.Contains("client-only certificate") || trainer.Output.Contains("client-only certificate"),
            TimeSpan.FromMinutes(1), $"a silo port to refuse the impostor's client-only certificate\n--- impostor ---\n{impostor.Output}");
        // The silo logs JSON, which escapes quotes: match the reasons around them.
        Assert.Contains("CN=foreign-client", gateway.Output);
        Assert.Contains("refused on the gateway: it is not signed by the configured CA", gateway.Output);
        Assert.Contains("CN=expired-client", gateway.Output);
        Assert.Contains("refused on the gateway: it expired on", gateway.Output);
        var ready = (await gateway.ReadinessAsync())!.Value.GetProperty("checks").GetProperty("silo").GetProperty("data");
        Assert.Equal(2, ready.GetProperty("activeSilos").GetInt32());
    }

    private static async Task<IHost> TlsClientAsync(string gateway, string clusterId, string pfx, string caPem)
    {
        var tls = new TlsSettings { CertificatePath = pfx, CertificatePassword = "pfx-password", TrustedCertificatePath = caPem };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(System.Net.IPEndPoint.Parse(gateway));
            client.UseTls(ClusterTls.LoadCertificate(tls), ClusterTls.Configure(tls));
            client.Configure<Orleans.Configuration.ClusterOptions>(options => options.ClusterId = options.ServiceId = clusterId);
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private static X509Certificate2 CertificateAuthority(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>A certificate signed by <paramref name="ca"/> with the given extended key usages, as PKCS#12.</summary>
    private string Issue(X509Certificate2 ca, string name, string[] usages, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var oids = new OidCollection();
        foreach (string usage in usages)
        {
            oids.Add(new Oid(usage));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        using var issued = request.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        string pfx = _dir.Combine($"{name}.pfx");
        File.WriteAllBytes(pfx, withKey.Export(X509ContentType.Pfx, "pfx-password"));
        return pfx;
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
