using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using GridSearch.Hosting;
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

    /// <summary>
    /// Connects to the embedded silo of another gridsearch process, presenting the secret from its state directory.
    /// A process that has just exited (its gateway file not yet gone) gives a clear error, not a wait without end.
    /// </summary>
    public static async Task<GatewayClient> ConnectLocalAsync(GatewayInfo gateway, string clusterId, string description,
        bool verbose, CancellationToken cancellation)
    {
        try
        {
            return await ConnectAsync(client =>
            {
                client.UseLocalhostClustering(gateway.Port, clusterId, clusterId);
                client.Configure<ClientConnectionOptions>(options =>
                    options.ConfigureConnection(connection => connection.PresentSecret(gateway.SecretBytes)));
            }, description, verbose, cancellation).WaitAsync(LocalConnectTimeout, cancellation);
        }
        catch (TimeoutException)
        {
            throw new UserInputException($"Cannot reach the {description} within {LocalConnectTimeout.TotalSeconds:F0} s: it may " +
                                         "have just finished. Try again; 'gridsearch list' then reads the state directory itself.");
        }
    }

    private static readonly TimeSpan LocalConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Connects to a cluster through its gateways; fails with a message naming them when none answers.</summary>
    public static async Task<GatewayClient> ConnectClusterAsync(string gateways, string clusterId, TlsSettings tls, TimeSpan timeout,
        bool verbose, CancellationToken cancellation)
    {
        var certificate = tls.Enabled ? LoadCertificate(tls) : null;
        var endpoints = ClusterAddress.Parse(gateways);
        string description = $"cluster '{clusterId}' through {gateways}";
        var connectionErrors = new ConnectionErrorLog();
        var connecting = ConnectAsync(client =>
        {
            client.UseStaticClustering(endpoints);
            if (certificate is not null)
            {
                client.UseTls(certificate, ClusterTls.Configure(tls));
            }

            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = clusterId;
            });
        }, description, verbose, cancellation, connectionErrors);
        try
        {
            // A client normally connects at once; one that has not after a moment asks the gateways why, so a wrong
            // address, cluster id or TLS setting fails in seconds with its reason instead of at the timeout. A probe
            // that found nothing wrong is repeated, more patiently each time: on a loaded machine a gateway's answer
            // can outlast one probe.
            var connectDeadline = DateTime.UtcNow + timeout;
            int round = 0;
            while (DateTime.UtcNow < connectDeadline && await Task.WhenAny(connecting, Task.Delay(DiagnoseAfter, cancellation)) != connecting)
            {
                int thisRound = round++;
                var reasons = GatewayProbe.OtherCluster(connectionErrors.Messages, clusterId) is { } otherCluster
                    ? [otherCluster]
                    : await Task.WhenAll(endpoints.Select(e => GatewayProbe.DiagnoseAsync(e, clusterId, certificate is not null, cancellation, thisRound)));
                if (reasons.All(r => r is not null))
                {
                    _ = connecting.ContinueWith(t => t.Result.DisposeAsync(), TaskContinuationOptions.OnlyOnRanToCompletion);
                    throw new UserInputException($"Cannot reach the GridSearch {description}: " + string.Join("; ", reasons));
                }
            }

            var left = connectDeadline - DateTime.UtcNow;
            return await connecting.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellation);
        }
        catch (TimeoutException)
        {
            throw new UserInputException($"Cannot reach the GridSearch {description} within {timeout.TotalSeconds:F0} s. Check the gateway " +
                                         "address (a silo's GatewayPort, 30000 by default), --cluster-id, and TLS (--tls-certificate) " +
                                         "when the cluster requires it.");
        }
        catch (Exception error) when (error is not OperationCanceledException and not UserInputException)
        {
            throw new UserInputException($"Cannot reach the GridSearch {description}: {error.Message} Check the gateway address " +
                                         "(a silo's GatewayPort, 30000 by default) and --cluster-id.");
        }
    }

    private static readonly TimeSpan DiagnoseAfter = TimeSpan.FromSeconds(1);

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(TlsSettings tls)
    {
        try
        {
            return ClusterTls.LoadCertificate(tls);
        }
        catch (InvalidOperationException error)
        {
            throw new UserInputException(error.Message.Replace("TLS certificate", "--tls-certificate", StringComparison.Ordinal));
        }
    }

    private static async Task<GatewayClient> ConnectAsync(Action<IClientBuilder> configure, string description, bool verbose,
        CancellationToken cancellation, ConnectionErrorLog? connectionErrors = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        ClientLogging.Configure(builder.Logging, verbose, connectionErrors);
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
