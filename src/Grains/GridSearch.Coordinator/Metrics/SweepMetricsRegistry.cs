using GridSearch.Coordinator.Metrics;
using System.Collections.Concurrent;
using GridSearch.Abstractions;
using Microsoft.Extensions.Options;

namespace GridSearch.Coordinator.Metrics;

/// <summary>
/// What this silo's coordinators last published about their sweeps, read by the observable gauges at scrape time.
/// Per-cell series of a finished sweep are dropped after <see cref="MetricsOptions.FinishedSweepRetention"/>, so
/// label cardinality stays bounded however many sweeps a cluster runs.
/// </summary>
public sealed class SweepMetricsRegistry(IOptions<MetricsOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, SweepSnapshot> _sweeps = new();

    public void Publish(SweepSnapshot sweep) => _sweeps[sweep.SweepId] = sweep;

    /// <summary>The coordinator left this silo; another silo publishes it from now on.</summary>
    public void Remove(string sweepId) => _sweeps.TryRemove(sweepId, out _);

    /// <summary>Sweeps whose series are still exported; expired ones are forgotten on the way.</summary>
    public IReadOnlyList<SweepSnapshot> Current()
    {
        var now = clock.GetUtcNow();
        var current = new List<SweepSnapshot>();
        foreach (var sweep in _sweeps.Values)
        {
            if (sweep.FinishedAt is { } finished && now - finished > options.Value.FinishedSweepRetention)
            {
                _sweeps.TryRemove(new KeyValuePair<string, SweepSnapshot>(sweep.SweepId, sweep));
                continue;
            }

            current.Add(sweep);
        }

        return current;
    }
}

/// <summary>Metrics settings (configuration section <c>GridSearch:Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "GridSearch:Metrics";

    /// <summary>How long a finished sweep's per-sweep and per-cell series stay exported.</summary>
    public TimeSpan FinishedSweepRetention { get; set; } = TimeSpan.FromMinutes(30);
}
