using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using StackExchange.Redis;

namespace GridSearch.Silo.Hosting;

/// <summary>
/// What a silo checks before it joins the cluster: its configuration, that it can bind its ports, and that Redis
/// accepts it. A silo that fails any of these never writes itself into the membership table, so it cannot declare a
/// healthy silo with the same endpoint dead. Every problem is one line naming the setting to change.
/// </summary>
public static class SiloPreflight
{
    /// <summary>Every problem with the configuration, at once.</summary>
    public static IReadOnlyList<string> ConfigurationProblems(IConfiguration configuration)
    {
        var problems = new List<string>();
        var cluster = Bind<ClusterHostOptions>(configuration, ClusterHostOptions.Section, problems);
        var trainer = Bind<TrainerSiloOptions>(configuration, TrainerSiloOptions.Section, problems);
        var tls = Bind<TlsSettings>(configuration, TlsSettings.Section, problems);
        if (cluster is not null && new ClusterHostOptionsValidator().Validate(null, cluster) is { Failed: true } clusterResult)
        {
            problems.AddRange(clusterResult.Failures);
        }

        if (trainer is not null)
        {
            if (new TrainerSiloOptionsValidator().Validate(null, trainer) is { Failed: true } trainerResult)
            {
                problems.AddRange(trainerResult.Failures);
            }

            problems.AddRange(ClusterTrainerRules.Problems(trainer));
        }

        if (tls is { Enabled: true })
        {
            problems.AddRange(TlsProblems(tls));
        }

        return problems;
    }

    /// <summary>The ports this silo listens on that another process holds.</summary>
    public static IReadOnlyList<string> PortProblems(ClusterHostOptions cluster)
    {
        var problems = new List<string>();
        foreach (var (port, key) in new[] { (cluster.SiloPort, "SiloPort"), (cluster.GatewayPort, "GatewayPort"), (cluster.HttpPort, "HttpPort") })
        {
            var listener = new TcpListener(IPAddress.Any, port);
            try
            {
                listener.Start();
            }
            catch (SocketException error)
            {
                problems.Add($"{ClusterHostOptions.Section}:{key}: port {port} cannot be opened ({error.Message}): another process (perhaps " +
                    $"another silo) listens on it. Give this silo other ports (GridSearch__Cluster__{key}), or stop that process.");
            }
            finally
            {
                listener.Stop();
            }
        }

        return problems;
    }

    /// <summary>
    /// Whether Redis answers and accepts the credentials. A Redis that cannot be reached yet (starting beside this silo)
    /// is waited for up to <paramref name="wait"/>; refused credentials fail at once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RedisProblemsAsync(ConfigurationOptions redis, TimeSpan wait, CancellationToken cancellation)
    {
        var options = redis.Clone();
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        options.ConnectTimeout = 5_000;
        var deadline = DateTime.UtcNow + wait;
        string endpoints = string.Join(", ", options.EndPoints.Select(e => e.ToString()));
        while (true)
        {
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                await connection.GetDatabase().PingAsync();
                return [];
            }
            catch (RedisConnectionException error) when (error.FailureType == ConnectionFailureType.AuthenticationFailure
                || error.Message.Contains("NOAUTH", StringComparison.Ordinal) || error.Message.Contains("WRONGPASS", StringComparison.Ordinal))
            {
                return [$"{ClusterHostOptions.Section}:RedisPassword: Redis at {endpoints} refused this silo's credentials. Set " +
                    "GridSearch__Cluster__RedisPassword to the password Redis requires (its requirepass), or remove it when Redis has none."];
            }
            catch (Exception error) when (error is RedisException or RedisTimeoutException or SocketException)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    return [$"{ClusterHostOptions.Section}:Redis: Redis at {endpoints} cannot be reached ({FirstLine(error.Message)}) after " +
                        $"{wait.TotalSeconds:0} s. Check GridSearch__Cluster__Redis (host:port), that Redis runs, and GridSearch__Cluster__RedisTls " +
                        "when it needs TLS."];
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
            }
        }
    }

    /// <summary>Prints the problems as one message on stderr, without a stack trace.</summary>
    public static void Report(IReadOnlyList<string> problems)
    {
        Console.Error.WriteLine($"gridsearch-silo: cannot start, {problems.Count} problem(s) to fix:");
        foreach (string problem in problems)
        {
            Console.Error.WriteLine($"  - {problem}");
        }
    }

    private static T? Bind<T>(IConfiguration configuration, string section, List<string> problems) where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException error)
        {
            // A value of the wrong type ("abc" for a port): the binder names the key in its message.
            problems.Add($"{section}: {FirstLine(error.InnerException?.Message ?? error.Message)} ({FirstLine(error.Message)})");
            return default;
        }
    }

    private static IEnumerable<string> TlsProblems(TlsSettings tls)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = ClusterTls.LoadCertificate(tls);
        }
        catch (InvalidOperationException error)
        {
            return [$"{TlsSettings.Section}:CertificatePath: {error.Message}"];
        }

        var problems = new List<string>();
        if (!ClusterTls.AllowsClientAuthentication(certificate))
        {
            problems.Add($"{TlsSettings.Section}:CertificatePath: '{tls.CertificatePath}' does not allow client authentication. A silo presents its " +
                "certificate to other silos as a client too, so silo certificates need both extended key usages: " +
                "extendedKeyUsage = serverAuth, clientAuth (clients' certificates: clientAuth only).");
        }

        if (!string.IsNullOrWhiteSpace(tls.TrustedCertificatePath) && !File.Exists(tls.TrustedCertificatePath))
        {
            problems.Add($"{TlsSettings.Section}:TrustedCertificatePath: '{tls.TrustedCertificatePath}' does not exist; point it at the cluster CA's certificate (PEM or DER).");
        }

        return problems;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
