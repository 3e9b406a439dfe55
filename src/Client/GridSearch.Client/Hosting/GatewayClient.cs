using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace GridSearch.Client.Hosting;

/// <summary>An Orleans client of a silo that is already running (another gridsearch process, or a cluster).</summary>
public sealed class GatewayClient : ISweepConnection
{
    private readonly IHost _host;

    private GatewayClient(IHost host, string description)
    {
        _host = host;
        Description = description;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public IGrainFactory Grains { get; }

    public string Description { get; }

    public static async Task<GatewayClient> ConnectLocalAsync(int gatewayPort, string clusterId, string description,
        bool verbose, CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ClientLogging.Configure(builder.Logging, verbose);
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, clusterId, clusterId));
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new GatewayClient(host, description);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
