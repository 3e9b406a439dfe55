using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GridSearch.TestSupport;

/// <summary>Certificates for TLS tests, written where a silo or the tool reads them.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed certificate for server and client authentication, as PKCS#12 (with a password) and PEM.</summary>
    public static (string Pfx, string Pem) SelfSigned(string directory, string password)
    {
        string pfx = Path.Combine(directory, $"cluster-{password}.pfx");
        string pem = Path.Combine(directory, $"cluster-{password}.crt");
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=gridsearch-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pfx, password));
        File.WriteAllText(pem, certificate.ExportCertificatePem());
        return (pfx, pem);
    }
}
