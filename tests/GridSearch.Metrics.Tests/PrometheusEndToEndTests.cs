using System.Globalization;
using System.Text.Json;
using GridSearch.TestSupport;

namespace GridSearch.Metrics.Tests;

/// <summary>
/// A real Prometheus scrapes a running embedded sweep on loopback; then every query of the Grafana dashboard, with
/// its variables filled in, must return data, and the final values must agree with results.json.
/// </summary>
public sealed class PrometheusEndToEndTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("prometheus");

    [Fact]
    public async Task Dashboard_EveryQueryReturnsDataForAScrapedSweep()
    {
        int metricsPort = FreePort.Next();
        using var prometheus = await PrometheusServer.StartAsync(_dir.Combine("prometheus"), metricsPort);
        string data = Directory.Exists(RepositoryPaths.CatDog)
            ? RepositoryPaths.CatDog
            : TestImages.WriteImageFolder(_dir.Combine("data"), perClass: 150);
        var cli = new CliRun(_dir.Combine("state"), _dir.Combine("cache"));

        // A device memory budget, so the packing gauges are there to scrape on this CPU machine too.
        var run = await cli.RunAsync("run", "--data", data, "--sweep-id", "scraped", "--slots", "1", "--device-memory", "4", "--metrics-port",
            metricsPort.ToString(CultureInfo.InvariantCulture), "--metrics-linger", "6", "--json", "--out", _dir.Combine("out"));
        var finished = DateTimeOffset.UtcNow;

        Assert.True(run.ExitCode == 0, run.ToString());
        var results = JsonDocument.Parse(run.Stdout).RootElement;
        var at = finished.AddSeconds(-2); // inside the linger: the final values had been scraped
        var labelValues = await prometheus.LabelValuesAsync("sweep_id", "gridsearch_trials", finished.AddMinutes(-5), finished);
        Assert.Contains("scraped", labelValues);

        foreach (var (panel, expr) in DashboardTests.Panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()
                     .Select(t => (p.GetProperty("title").GetString(), t.GetProperty("expr").GetString()!))))
        {
            if (expr.Contains("gridsearch_device_memory_bytes", StringComparison.Ordinal) && !File.Exists("/dev/nvidiactl"))
            {
                continue; // NVML's reading of GPU memory: only machines with an NVIDIA driver have the series
            }

            string query = expr.Replace("$sweep", "scraped").Replace("$__rate_interval", "1m");
            var result = await prometheus.QueryAsync(query, at);
            Assert.True(result.Length > 0, $"panel '{panel}': '{query}' returned no data (a wrong metric or label name?)");
        }

        Assert.Equal(results.GetProperty("best").GetProperty("valAccuracy").GetDouble(),
            await ScalarAsync(prometheus, "gridsearch_sweep_best_val_accuracy{sweep_id=\"scraped\"}", at), 6);
        Assert.Equal(results.GetProperty("testAccuracy").GetDouble(),
            await ScalarAsync(prometheus, "gridsearch_sweep_test_accuracy{sweep_id=\"scraped\"}", at), 6);
        Assert.Equal(8, await ScalarAsync(prometheus, "gridsearch_trials{sweep_id=\"scraped\",state=\"completed\"}", at));
        Assert.Equal(results.GetProperty("timings").GetProperty("epochsTrained").GetInt32(),
            await ScalarAsync(prometheus, "sum(gridsearch_epochs_total{sweep_id=\"scraped\"})", at));
        var bestTrial = results.GetProperty("best").GetProperty("trialId").GetString();
        Assert.Equal(1, await ScalarAsync(prometheus, $"gridsearch_trial_info{{sweep_id=\"scraped\",trial_id=\"{bestTrial}\"}}", at));
    }

    private static async Task<double> ScalarAsync(PrometheusServer prometheus, string query, DateTimeOffset at)
    {
        var result = await prometheus.QueryAsync(query, at);
        var sample = Assert.Single(result);
        return double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    public void Dispose() => _dir.Dispose();
}
