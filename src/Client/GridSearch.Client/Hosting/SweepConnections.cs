using Polly;
using Polly.Retry;
using GridSearch.Abstractions;
using GridSearch.Client.Output;
using GridSearch.Trainer.Execution;

namespace GridSearch.Client.Hosting;

/// <summary>Opens the right connection for a command in embedded mode.</summary>
public static class SweepConnections
{
    /// <summary>
    /// Hosts the embedded silo; fails when another process already uses the state directory. The sweep's data set,
    /// when given, starts loading while the silo starts.
    /// </summary>
    public static async Task<ISweepConnection> HostAsync(string statePath, Commands.SiloSettings settings,
        CancellationToken cancellation, DataRequest? data = null)
    {
        var state = StateDirectory.Open(statePath);
        if (!state.TryLock())
        {
            var gateway = state.ReadGateway();
            state.Dispose();
            throw new UserInputException(
                $"State directory '{statePath}' is in use by another gridsearch process{(gateway is null ? "" : $" (pid {gateway.ProcessId})")}. " +
                "Wait for it to finish, follow it with 'gridsearch status', or pass another --state.");
        }

        try
        {
            var metrics = settings.MetricsPort is { } port ? new EmbeddedMetrics(port, TimeSpan.FromSeconds(settings.MetricsLinger)) : null;
            return new OwnedConnection(state, await EmbeddedSilo.StartAsync(state, settings.Trainer(state.RunFoldersPath, state.RunFolderStore(settings.RunFolderStore)), metrics, settings.Verbose, cancellation, data));
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reaches the sweeps the command names: a cluster's (--cluster), or the local state directory's, through the
    /// process that hosts it or by hosting it here.
    /// </summary>
    private static readonly ResiliencePipeline<GatewayInfo?> GatewayPublished = new ResiliencePipelineBuilder<GatewayInfo?>()
        .AddRetry(new RetryStrategyOptions<GatewayInfo?>
        {
            ShouldHandle = read => ValueTask.FromResult(read.Outcome is { Exception: null, Result: null }),
            MaxRetryAttempts = 100,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Constant,
        })
        .Build();

    public static async Task<ISweepConnection> OpenAsync(Commands.CommonSettings settings, CliOutput output,
        CancellationToken cancellation)
    {
        if (!string.IsNullOrWhiteSpace(settings.Cluster))
        {
            return await GatewayClient.ConnectClusterAsync(settings.Cluster, settings.ClusterId, settings.Tls(),
                TimeSpan.FromSeconds(Math.Max(1, settings.ConnectTimeout)), settings.Verbose, cancellation);
        }

        string statePath = StateLocation.Resolve(settings.State);
        bool verbose = settings.Verbose;
        var state = StateDirectory.Open(statePath);
        if (!state.TryLock())
        {
            // The process holding the state publishes its gateway once its silo is up: give it about 20 seconds.
            var gateway = await GatewayPublished.ExecuteAsync(_ => ValueTask.FromResult(state.ReadGateway()), cancellation);

            if (gateway is null)
            {
                throw new UserInputException(
                    $"State directory '{statePath}' is locked by another gridsearch process that has not started its silo; try again in a moment.");
            }

            state.Dispose();
            return await GatewayClient.ConnectLocalAsync(gateway, EmbeddedSilo.ClusterId,
                $"gridsearch process {gateway.ProcessId}, state in {statePath}", verbose, cancellation);
        }

        // Nobody hosts it: host it here, without training slots in use unless a sweep is resumed.
        var silo = await EmbeddedSilo.StartAsync(state, new TrainerSiloOptions(), metrics: null, verbose, cancellation);
        return new OwnedConnection(state, silo);
    }

    private sealed class OwnedConnection(StateDirectory state, EmbeddedSilo silo) : ISweepConnection
    {
        public IGrainFactory Grains => silo.Grains;

        public string Description => silo.Description;

        public async ValueTask DisposeAsync()
        {
            await silo.DisposeAsync();
            state.Dispose();
        }
    }
}
