using Microsoft.Extensions.Hosting;

namespace GridSearch.Grains.Metrics;

/// <summary>
/// Creates the instruments when the silo starts, so every silo exports its gauges (slots, sweeps whose coordinator
/// it hosts) from the first scrape, not only after its first cell.
/// </summary>
internal sealed class MetricsStartup(GridSearchMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
