using GridSearch.Coordinator.Metrics;
using GridSearch.Trainer.Metrics;
using Microsoft.Extensions.Hosting;

namespace GridSearch.Hosting;

/// <summary>
/// Creates the instruments when the silo starts, so every silo exports its gauges (slots, sweeps whose coordinator
/// it hosts) from the first scrape, not only after its first cell.
/// </summary>
internal sealed class MetricsStartup(TrainerMetrics trainer, SweepMetrics sweeps) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(trainer);
        GC.KeepAlive(sweeps);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
