using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GridSearch.Grains.Hosting;

/// <summary>
/// TLS between silos and between clients and gateways (configuration section <c>GridSearch:Tls</c>). Both ends
/// present a certificate; a peer is accepted when its certificate is valid for the system's trust store or chains to
/// the configured trusted certificate (a private CA, or the shared self-signed certificate itself). Silos are
/// addressed by IP, so host-name mismatches are not held against an otherwise trusted certificate.
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

public static class ClusterTls
{
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

    public static Action<TlsOptions> Configure(TlsSettings settings)
    {
        X509Certificate2? trusted = string.IsNullOrWhiteSpace(settings.TrustedCertificatePath)
            ? null
            : X509CertificateLoader.LoadCertificateFromFile(settings.TrustedCertificatePath);
        return options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateValidation = (certificate, _, errors) =>
                errors == SslPolicyErrors.None || (trusted is not null && ChainsTo(certificate, trusted));
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
