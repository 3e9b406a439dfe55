using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace GridSearch.Hosting;

/// <summary>
/// TLS between silos and between clients and gateways (configuration section <c>GridSearch:Tls</c>). Both ends
/// present a certificate; with <see cref="TrustedCertificatePath"/> a peer must chain to that CA (or be that very
/// certificate), otherwise to the system's trust store.
/// </summary>
public sealed class TlsSettings
{
    public const string Section = "GridSearch:Tls";

    /// <summary>PKCS#12 (.pfx) file with this node's certificate and private key; empty turns TLS off.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Certificate (PEM or DER) of the CA that signs the cluster's certificates.</summary>
    public string? TrustedCertificatePath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>
/// TLS for a GridSearch cluster. With a trusted CA configured, a peer is accepted only when its certificate chains to
/// that CA (never merely to the system's trust store) and is within its validity period. The silo port admits only
/// silo certificates; a certificate whose extended key usage allows client authentication but not server
/// authentication is client-only: it reaches gateways, never joins as a silo. Every refusal is logged with its reason.
/// Silos are addressed by IP, so host-name mismatches are not held against an otherwise trusted certificate.
/// </summary>
public static class ClusterTls
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    public static X509Certificate2 LoadCertificate(TlsSettings settings)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(settings.CertificatePath!, settings.CertificatePassword);
        }
        catch (Exception error) when (error is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"TLS certificate '{settings.CertificatePath}' cannot be loaded ({error.Message}); it must be a PKCS#12 (.pfx) file " +
                "with a private key, and the password must match.", error);
        }
    }

    /// <summary>
    /// A silo's listeners and outbound connections: the silo port and silo-to-silo connections take silo certificates
    /// only; the gateway takes clients' and silos'.
    /// </summary>
    public static ISiloBuilder UseGridSearchTls(this ISiloBuilder silo, TlsSettings settings)
    {
        var certificate = LoadCertificate(settings);
        var trusted = LoadTrusted(settings);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(builder => builder.UseServerTls(Options(certificate, trusted, siloPeer: true, Log(builder), "silo port")));
            connections.ConfigureGatewayInboundConnection(builder => builder.UseServerTls(Options(certificate, trusted, siloPeer: false, Log(builder), "gateway")));
            connections.ConfigureSiloOutboundConnection(builder => builder.UseClientTls(Options(certificate, trusted, siloPeer: true, Log(builder), "outbound silo connection")));
        });
    }

    /// <summary>A client's connections to gateways: the gateway must present a silo certificate.</summary>
    public static Action<TlsOptions> Configure(TlsSettings settings)
    {
        var trusted = LoadTrusted(settings);
        return options => Apply(options, trusted, siloPeer: true, refused: null, where: "gateway");
    }

    private static TlsOptions Options(X509Certificate2 certificate, X509Certificate2? trusted, bool siloPeer, Action<string>? refused, string where)
    {
        var options = new TlsOptions { LocalCertificate = certificate };
        Apply(options, trusted, siloPeer, refused, where);
        return options;
    }

    private static void Apply(TlsOptions options, X509Certificate2? trusted, bool siloPeer, Action<string>? refused, string where)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, errors) =>
        {
            string? reason = Refusal(certificate, errors, trusted, siloPeer);
            if (reason is not null)
            {
                refused?.Invoke($"TLS peer certificate '{certificate.Subject}' refused on the {where}: {reason}");
            }

            return reason is null;
        };
    }

    /// <summary>Why a peer's certificate is refused, or null when it is accepted.</summary>
    public static string? Refusal(X509Certificate2 certificate, SslPolicyErrors errors, X509Certificate2? trusted, bool siloPeer)
    {
        var now = DateTime.Now;
        if (now > certificate.NotAfter)
        {
            return $"it expired on {certificate.NotAfter.ToUniversalTime():u}";
        }

        if (now < certificate.NotBefore)
        {
            return $"it is not valid before {certificate.NotBefore.ToUniversalTime():u}";
        }

        if (trusted is not null ? !ChainsTo(certificate, trusted) : errors != SslPolicyErrors.None)
        {
            return trusted is not null
                ? $"it is not signed by the configured CA '{trusted.Subject}' (GridSearch:Tls:TrustedCertificatePath)"
                : $"the system does not trust it ({errors})";
        }

        if (siloPeer && IsClientOnly(certificate))
        {
            return "it is a client-only certificate (extended key usage: client authentication, not server authentication), " +
                   "presented where only silos may connect";
        }

        return null;
    }

    /// <summary>A certificate whose extended key usage names client authentication and not server authentication.</summary>
    public static bool IsClientOnly(X509Certificate2 certificate)
    {
        var usages = Usages(certificate);
        return usages.Contains(ClientAuthentication) && !usages.Contains(ServerAuthentication);
    }

    /// <summary>
    /// Whether a certificate may be presented as a client's: a silo presents its own to other silos, and TLS drops a
    /// certificate whose extended key usages exclude client authentication (none listed allows every use).
    /// </summary>
    public static bool AllowsClientAuthentication(X509Certificate2 certificate) =>
        Usages(certificate) is var usages && (usages.Count == 0 || usages.Contains(ClientAuthentication));

    private static HashSet<string?> Usages(X509Certificate2 certificate) => certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
        .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToHashSet();

    private static X509Certificate2? LoadTrusted(TlsSettings settings) => string.IsNullOrWhiteSpace(settings.TrustedCertificatePath)
        ? null
        : X509CertificateLoader.LoadCertificateFromFile(settings.TrustedCertificatePath);

    private static readonly Action<ILogger, string, Exception?> LogRefusal =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(1, "TlsRefusal"), "{Refusal}");

    private static Action<string> Log(Microsoft.AspNetCore.Connections.IConnectionBuilder builder)
    {
        var logger = builder.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("GridSearch.Tls");
        return message =>
        {
            if (logger is not null)
            {
                LogRefusal(logger, message, null);
            }
        };
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 trusted)
    {
        if (certificate.RawDataMemory.Span.SequenceEqual(trusted.RawDataMemory.Span))
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
