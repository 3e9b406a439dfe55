using GridSearch.Grains.Coordinator;
using GridSearch.Grains.Execution;
using GridSearch.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace GridSearch.Client.Hosting;

/// <summary>
/// A silo hosted in this process with local durable state: embedded mode, no servers needed. It is the trainer
/// itself, listens on free loopback ports only, and publishes its gateway for other gridsearch commands.
/// </summary>
public sealed class EmbeddedSilo : ISweepConnection
{
    public const string ClusterId = "gridsearch-embedded";

    private readonly IHost _host;
    private readonly StateDirectory _state;

    private EmbeddedSilo(IHost host, StateDirectory state)
    {
        _host = host;
        _state = state;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
    }

    public IGrainFactory Grains { get; }

    public string Description => $"embedded silo, state in {_state.Path}";

    /// <summary>Starts the silo; the state directory must already be locked by this process.</summary>
    public static async Task<EmbeddedSilo> StartAsync(StateDirectory state, TrainerSiloOptions trainer, bool verbose,
        CancellationToken cancellation)
    {
        int siloPort = FreePorts.Next();
        int gatewayPort = FreePorts.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ClientLogging.Configure(builder.Logging, verbose);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: ClusterId, clusterId: ClusterId);
            silo.Configure<EndpointOptions>(options => options.AdvertisedIPAddress = System.Net.IPAddress.Loopback);
            // A stable name: results record which silo trained each trial, and reruns must compare equal.
            silo.Configure<SiloOptions>(options => options.SiloName = Environment.MachineName);
            // Embedded sweeps resume through 'gridsearch resume': no reminder service, so no reminders.
            silo.AddGridSearch(trainer, new CoordinatorOptions { ReminderPeriod = null });
            silo.AddGridSearchFileStorage(state.GrainsPath);
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        state.PublishGateway(gatewayPort);
        return new EmbeddedSilo(host, state);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
