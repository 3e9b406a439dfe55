using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using GridSearch.Hosting;

namespace GridSearch.Client.Hosting;

/// <summary>
/// Says why a gateway cannot be used, when the Orleans client has not connected after a moment: nothing listening,
/// a server of another kind (it speaks first, where an Orleans gateway waits for the client's greeting), a TLS
/// mismatch, or a gateway of another cluster (it answers a greeting with its own cluster id).
/// </summary>
public static class GatewayProbe
{
    // A gateway accepts and answers a greeting at once, and so does a TLS server a ClientHello: these waits are
    // generous for any network a cluster runs on, and short enough that a wrong address fails within seconds. A probe
    // repeated because the last found nothing waits twice as long each time (up to 8 times), for a silo so loaded
    // that its answers come late.
    private static readonly TimeSpan FirstStep = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan FirstTlsStep = TimeSpan.FromSeconds(1);
    private const int MostPatience = 3;

    /// <summary>
    /// Why <paramref name="gateway"/> cannot serve this client, or null when it looks right (keep waiting).
    /// <paramref name="round"/>: how many probes found nothing before this one.
    /// </summary>
    public static async Task<string?> DiagnoseAsync(IPEndPoint gateway, string clusterId, bool clientUsesTls, CancellationToken cancellation,
        int round = 0)
    {
        double patience = 1 << Math.Clamp(round, 0, MostPatience);
        var step = FirstStep * patience;
        var tlsStep = FirstTlsStep * patience;
        using var client = new TcpClient(gateway.AddressFamily);
        try
        {
            await client.ConnectAsync(gateway, cancellation).AsTask().WaitAsync(step, cancellation);
        }
        catch (SocketException error)
        {
            return $"nothing accepts connections at {gateway} ({error.Message}): is a GridSearch silo running there, and is {gateway.Port} its GatewayPort (30000 by default)?";
        }
        catch (TimeoutException)
        {
            return $"{gateway} does not answer (no connection within {step.TotalSeconds:0.#} s): check the address, and any firewall between here and the silo.";
        }

        if (clientUsesTls)
        {
            return await TlsAnswersAsync(gateway, tlsStep, cancellation)
                ? null
                : $"{gateway} does not complete a TLS handshake: drop --tls-certificate and --tls-trusted if the cluster runs without TLS, " +
                  "or check that this is a GridSearch gateway.";
        }

        // An Orleans gateway waits for the client's greeting and says nothing first; a server that speaks unprompted
        // (SSH, SMTP, another database) is something else.
        byte[] unprompted = await ReadUnpromptedAsync(client.GetStream(), step, cancellation);
        if (unprompted.Length > 0)
        {
            return $"{gateway} is not a GridSearch gateway (it answered \"{Printable(unprompted, 40)}\"): is {gateway.Port} a silo's GatewayPort (30000 by default)?";
        }

        // A gateway that answers a greeting names its cluster; one that does not may be waiting for TLS.
        string? announced = await GatewayGreeting.AnnouncedClusterIdAsync(gateway, clusterId, step, cancellation);
        if (announced is not null)
        {
            return announced == clusterId ? null : OtherClusterReason(announced, clusterId);
        }

        return await TlsAnswersAsync(gateway, tlsStep, cancellation)
            ? $"the gateway at {gateway} requires TLS: pass --tls-certificate (your PKCS#12 client certificate), --tls-password and --tls-trusted (the cluster's CA certificate)."
            : null;
    }

    /// <summary>
    /// The cluster id a gateway answered with, from the client's own log of the refused connection: the only way to
    /// learn it over TLS, where the probe cannot greet the gateway.
    /// </summary>
    public static string? OtherCluster(IEnumerable<string> connectionErrors, string clusterId)
    {
        const string marker = "Unexpected cluster id \"";
        foreach (string message in connectionErrors.Reverse())
        {
            int at = message.IndexOf(marker, StringComparison.Ordinal);
            int end = at < 0 ? -1 : message.IndexOf('"', at + marker.Length);
            if (end > at)
            {
                return OtherClusterReason(message[(at + marker.Length)..end], clusterId);
            }
        }

        return null;
    }

    private static string OtherClusterReason(string announced, string clusterId) =>
        $"the gateway belongs to another cluster (it announced cluster id '{announced}'), not '{clusterId}': pass --cluster-id {announced}.";

    private static async Task<byte[]> ReadUnpromptedAsync(NetworkStream stream, TimeSpan step, CancellationToken cancellation)
    {
        var buffer = new byte[256];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(step);
        try
        {
            int read = await stream.ReadAsync(buffer, timeout.Token);
            return buffer[..read];
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static async Task<bool> TlsAnswersAsync(IPEndPoint gateway, TimeSpan tlsStep, CancellationToken cancellation)
    {
        try
        {
            using var client = new TcpClient(gateway.AddressFamily);
            await client.ConnectAsync(gateway, cancellation).AsTask().WaitAsync(tlsStep, cancellation);
            // Only whether a TLS server answers: the real connection validates the certificate.
#pragma warning disable CA5359 // only asks whether TLS answers; the connection that follows validates the certificate
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
#pragma warning restore CA5359
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = gateway.Address.ToString() }, cancellation)
                .WaitAsync(tlsStep, cancellation);
            return true;
        }
        catch (Exception error) when (error is IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    private static string Printable(byte[] bytes, int most) =>
        new(Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, most)).Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
