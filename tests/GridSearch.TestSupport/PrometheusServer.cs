using System.Net.Http;
using System.Text.Json;

namespace GridSearch.TestSupport;

/// <summary>
/// A real Prometheus (Debian's package, installed by scripts/test.sh) on a free loopback port, scraping the given
/// loopback targets every second.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ChildProcess _process;

    private PrometheusServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => _process.Output;

    public static async Task<PrometheusServer> StartAsync(string directory, params int[] targetPorts)
    {
        Directory.CreateDirectory(directory);
        string config = Path.Combine(directory, "prometheus.yml");
        string targets = string.Join(", ", targetPorts.Select(p => $"'127.0.0.1:{p}'"));
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: gridsearch
                static_configs:
                  - targets: [{targets}]
            """);
        int port = FreePort.Next();
        var process = ChildProcess.Start("prometheus", FindBinary(),
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
        ]);
        var server = new PrometheusServer(process, port);
        await Eventually.WaitAsync(async () => process.HasExited || await server.IsReadyAsync(), ok => ok, TimeSpan.FromSeconds(60),
            "Prometheus to be ready");
        if (process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited at start:\n{process.Output}");
        }

        return server;
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{Port}/-/ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs an instant query at <paramref name="time"/>; returns the result vector (empty when nothing matched).</summary>
    public async Task<JsonElement[]> QueryAsync(string promql, DateTimeOffset time)
    {
        string url = $"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}&time={time.ToUnixTimeMilliseconds() / 1000.0:F3}";
        using var response = await Http.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        var root = JsonDocument.Parse(body).RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected '{promql}': {body}");
        }

        return root.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Label values of a metric, as Grafana's label_values(metric, label) lists them.</summary>
    public async Task<string[]> LabelValuesAsync(string label, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        string url = $"http://127.0.0.1:{Port}/api/v1/label/{label}/values?match[]={Uri.EscapeDataString(metric)}" +
                     $"&start={from.ToUnixTimeSeconds()}&end={to.ToUnixTimeSeconds()}";
        using var response = await Http.GetAsync(url);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return root.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    private static string FindBinary()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin"))
        {
            string candidate = Path.Combine(dir, "prometheus");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("prometheus is not installed; run ./scripts/test.sh, which installs it (apt-get install prometheus).");
    }

    public void Dispose() => _process.Dispose();
}
