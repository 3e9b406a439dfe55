using GridSearch.Abstractions;
using GridSearch.Coordinator;
using GridSearch.Trainer.Execution;
using GridSearch.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace GridSearch.Client.Hosting;

/// <summary>
/// A silo hosted in this process with local durable state: embedded mode, no servers needed. It is the trainer
/// itself, listens on free loopback ports only, publishes its gateway for other gridsearch commands, and with a
/// metrics port serves /metrics like a cluster silo.
/// </summary>
public sealed class EmbeddedSilo : ISweepConnection
{
    public const string ClusterId = "gridsearch-embedded";

    private readonly IHost _host;
    private readonly StateDirectory _state;
    private readonly TimeSpan _metricsLinger;

    private EmbeddedSilo(IHost host, StateDirectory state, TimeSpan metricsLinger)
    {
        _host = host;
        _state = state;
        _metricsLinger = metricsLinger;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    public string Description => $"embedded silo, state in {_state.Path}";

    /// <summary>
    /// Starts the silo; the state directory must already be locked by this process. With <paramref name="data"/>,
    /// the data set (and TorchSharp's native library) load while the silo starts, on the core its start leaves idle.
    /// </summary>
    public static async Task<EmbeddedSilo> StartAsync(StateDirectory state, TrainerSiloOptions trainer, EmbeddedMetrics? metrics,
        bool verbose, CancellationToken cancellation, DataRequest? data = null)
    {
        int siloPort = FreePorts.Next();
        int gatewayPort = FreePorts.Next();
        byte[] secret = LocalAdmission.NewSecret();
        void ConfigureSilo(ISiloBuilder silo)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: ClusterId, clusterId: ClusterId);
            // Both ports admit only connections that open with this run's secret (kept in the owner-only state
            // directory): another user who finds the ports cannot reach, read or cancel the sweep.
            silo.Configure<SiloConnectionOptions>(options =>
            {
                options.ConfigureGatewayInboundConnection(connection => connection.RequireSecret(secret));
                options.ConfigureSiloInboundConnection(connection => connection.RequireSecret(secret));
                options.ConfigureSiloOutboundConnection(connection => connection.PresentSecret(secret));
            });
            silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = System.Net.IPAddress.Loopback);
            // A stable name: results record which silo trained each run, and reruns must compare equal.
            silo.Configure<SiloOptions>(options => options.SiloName = Environment.MachineName);
            // Embedded sweeps resume through 'gridsearch resume': no reminder service, so no reminders.
            silo.AddGridSearch(trainer, new CoordinatorOptions { ReminderPeriod = null });
            silo.AddGridSearchFileStorage(state.GrainsPath);
        }

        IHost host;
        if (metrics is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            ClientLogging.Configure(builder.Logging, verbose);
            builder.UseOrleans(ConfigureSilo);
            host = builder.Build();
        }
        else
        {
            var builder = WebApplication.CreateSlimBuilder();
            ClientLogging.Configure(builder.Logging, verbose);
            builder.WebHost.UseUrls($"http://localhost:{metrics.Port}");
            builder.Services.AddGridSearchPrometheusMetrics();
            builder.UseOrleans(ConfigureSilo);
            var app = builder.Build();
            app.MapPrometheusScrapingEndpoint();
            host = app;
        }

        if (data is not null)
        {
            host.Services.GetRequiredService<IRunTrainer>().Prefetch(data);
        }

        try
        {
            await host.StartAsync(cancellation);
        }
        catch (IOException error) when (metrics is not null)
        {
            host.Dispose();
            throw new UserInputException($"--metrics-port {metrics.Port} cannot be used ({error.Message}); choose a free port.");
        }

        state.PublishGateway(gatewayPort, secret);
        return new EmbeddedSilo(host, state, metrics?.Linger ?? TimeSpan.Zero);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_metricsLinger > TimeSpan.Zero)
            {
                // Scrapers pull: give them a chance to see the final values before the endpoint goes away.
                await Task.Delay(_metricsLinger);
            }

            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _host.Dispose();
        }
    }
}

/// <summary>Where an embedded silo serves /metrics, and how long after the sweep.</summary>
public sealed record EmbeddedMetrics(int Port, TimeSpan Linger);
