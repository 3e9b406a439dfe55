using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

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

    public static Task<GatewayClient> ConnectLocalAsync(int gatewayPort, string clusterId, string description,
        bool verbose, CancellationToken cancellation) =>
        ConnectAsync(client => client.UseLocalhostClustering(gatewayPort, clusterId, clusterId), description, verbose, cancellation);

    /// <summary>Connects to a cluster through its gateways; fails with a message naming them when none answers.</summary>
    public static async Task<GatewayClient> ConnectClusterAsync(string gateways, string clusterId, bool verbose,
        CancellationToken cancellation)
    {
        var endpoints = ClusterAddress.Parse(gateways);
        string description = $"cluster '{clusterId}' through {gateways}";
        try
        {
            return await ConnectAsync(client =>
            {
                client.UseStaticClustering(endpoints);
                client.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = clusterId;
                });
            }, description, verbose, cancellation);
        }
        catch (Exception error) when (error is not OperationCanceledException and not UserInputException)
        {
            throw new UserInputException($"Cannot reach the GridSearch {description}: {error.Message} Check the gateway address " +
                                         "(a silo's GatewayPort, 30000 by default) and --cluster-id.");
        }
    }

    private static async Task<GatewayClient> ConnectAsync(Action<IClientBuilder> configure, string description, bool verbose,
        CancellationToken cancellation)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ClientLogging.Configure(builder.Logging, verbose);
        builder.UseOrleansClient(configure);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellation);
        }
        catch
        {
            host.Dispose();
            throw;
        }

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
