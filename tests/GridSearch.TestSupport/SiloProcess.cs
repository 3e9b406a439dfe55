using System.Net.Http;
using System.Text.Json;

namespace GridSearch.TestSupport;

/// <summary>A real GridSearch cluster silo process on loopback ports.</summary>
public sealed class SiloProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process, string name, int siloPort, int gatewayPort, int httpPort)
    {
        _process = process;
        Name = name;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public int SiloPort { get; }

    public string Name { get; }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    public string Output => _process.Output;

    /// <summary>The silo's operating-system process id (for CPU figures).</summary>
    public int ProcessId => _process.Id;

    public static string Assembly => Path.Combine(RepositoryPaths.Root, "src", "Silo", "GridSearch.Silo", "bin",
        RepositoryPaths.Configuration, "net10.0", "GridSearch.Silo.dll");

    /// <summary>
    /// Fast failure detection and reminders, so cluster tests take seconds rather than minutes; not so fast that a
    /// silo busy starting up on a loaded machine (a few seconds without answering) is declared dead.
    /// </summary>
    /// <summary>
    /// A silo of a test cluster over <paramref name="redis"/>: the test timings, its cluster and service id, one slot of
    /// one thread when it trains, and a decode cache shared by the test's silos.
    /// </summary>
    public static Dictionary<string, string> ClusterEnvironment(RedisServer redis, string clusterId, bool trainer, string cacheDirectory)
    {
        var env = TestTimings();
        env["GridSearch__Cluster__Redis"] = redis.ConnectionString;
        env["GridSearch__Cluster__ClusterId"] = clusterId;
        env["GridSearch__Cluster__ServiceId"] = clusterId;
        env["GridSearch__Trainer__Enabled"] = trainer ? "true" : "false";
        env["GridSearch__Trainer__Slots"] = "1";
        env["GridSearch__Trainer__ThreadsPerSlot"] = "1";
        env["GridSearch__Trainer__CacheDirectory"] = cacheDirectory;
        return env;
    }

    public static Dictionary<string, string> TestTimings() => new()
    {
        ["GridSearch__Membership__ProbeTimeout"] = "00:00:02",
        ["GridSearch__Membership__NumMissedProbesLimit"] = "3",
        ["GridSearch__Membership__NumVotesForDeathDeclaration"] = "1",
        ["GridSearch__Membership__IAmAliveTablePublishTimeout"] = "00:00:02",
        ["GridSearch__Membership__NumMissedTableIAmAliveLimit"] = "3",
        ["GridSearch__Membership__TableRefreshTimeout"] = "00:00:01",
        ["GridSearch__Membership__ValidateInitialConnectivity"] = "false",
        ["GridSearch__Reminders__MinimumReminderPeriod"] = "00:00:01",
        ["GridSearch__Coordinator__ReconcileInterval"] = "00:00:01",
        ["GridSearch__Coordinator__ReminderPeriod"] = "00:00:02",
    };

    /// <summary>Starts a silo on free loopback ports, or on <paramref name="portsOf"/>'s ports (to test a clash).</summary>
    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string> environment, SiloProcess? portsOf = null,
        bool tempDataRoot = true)
    {
        int siloPort = portsOf?.SiloPort ?? FreePort.Next();
        int gatewayPort = portsOf?.GatewayPort ?? FreePort.Next();
        int httpPort = portsOf?.HttpPort ?? FreePort.Next();
        var env = new Dictionary<string, string>(environment);
        // Test data sets live under the temporary folder: the trainers may read there, nowhere else.
        if (tempDataRoot)
        {
            env.TryAdd("GridSearch__Trainer__DataRoots__0", Path.GetTempPath());
        }

        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["GridSearch__Cluster__SiloName"] = name,
            ["GridSearch__Cluster__SiloPort"] = siloPort.ToString(),
            ["GridSearch__Cluster__GatewayPort"] = gatewayPort.ToString(),
            ["GridSearch__Cluster__HttpPort"] = httpPort.ToString(),
            ["GridSearch__Cluster__AdvertisedAddress"] = "127.0.0.1",
        })
        {
            env[key] = value;
        }

        var process = ChildProcess.Start(name, "dotnet", [Assembly], env);
        return new SiloProcess(process, name, siloPort, gatewayPort, httpPort);
    }

    /// <summary>The readiness answer, or null while the silo does not answer.</summary>
    public async Task<JsonElement?> ReadinessAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{HttpPort}/healthz/ready");
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the silo is ready, sees the given number of trainers in the cluster, and knows every active silo's
    /// metadata (so its placement and dispatch see the whole cluster).
    /// </summary>
    public async Task WaitReadyAsync(int trainers, TimeSpan timeout)
    {
        await Eventually.WaitAsync(ReadinessAsync, r => _process.HasExited || (r is { } ready
                && ready.GetProperty("status").GetString() == "Healthy"
                && ready.GetProperty("checks").GetProperty("silo").GetProperty("data") is var data
                && data.GetProperty("trainers").GetInt32() == trainers
                && data.GetProperty("silosWithoutMetadata").GetInt32() == 0),
            timeout, $"silo {Name} to be ready, see {trainers} trainer(s) and know every silo's metadata\n{Output}");
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"silo {Name} exited:\n{Output}");
        }
    }

    public void Kill() => _process.Kill();

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout);

    /// <summary>SIGTERM, as Kubernetes sends on a node drain or rolling update: the silo drains and leaves.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await term!.WaitForExitAsync();
        }

        await _process.WaitForExitAsync(timeout);
    }

    public void Dispose() => _process.Dispose();
}
