using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CareLedger.Testing;

/// <summary>
/// A throwaway certificate authority for etcd over TLS, made with .NET's <see cref="CertificateRequest"/>:
/// one server certificate for loopback (127.0.0.1, localhost; members also present it to each other)
/// and client certificates whose common name etcd takes as the user. PEM files in one folder, as an
/// operator following docs/consortium-tls.md would have them.
/// </summary>
public sealed class EtcdPki
{
    private readonly string _folder;
    private readonly X509Certificate2 _ca;
    private readonly Dictionary<string, (string Cert, string Key)> _clients = new(StringComparer.Ordinal);

    public EtcdPki(string folder, string name = "CareLedger test consortium CA")
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Path.Combine(folder, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        (ServerCertFile, ServerKeyFile) = Issue("etcd-member", server: true);
    }

    public string CaFile { get; }
    public string ServerCertFile { get; }
    public string ServerKeyFile { get; }

    /// <summary>A client certificate and key (PEM files) for the etcd user <paramref name="commonName"/>.</summary>
    public (string Cert, string Key) Client(string commonName)
    {
        lock (_clients)
        {
            if (!_clients.TryGetValue(commonName, out var files)) _clients[commonName] = files = Issue(commonName, server: false);
            return files;
        }
    }

    /// <summary>A handler that trusts only this CA and presents <paramref name="commonName"/>'s client certificate: for etcd's HTTP endpoints (/health).</summary>
    public SocketsHttpHandler Handler(string commonName)
    {
        var (cert, key) = Client(commonName);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [X509Certificate2.CreateFromPemFile(cert, key)],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is not X509Certificate2 server) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(_ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(server);
                },
            },
        };
    }

    private (string Cert, string Key) Issue(string commonName, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // client authentication
        if (server)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server authentication
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(_ca, _ca.NotBefore, _ca.NotAfter, serial);
        var file = string.Join("", commonName.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
        var (certFile, keyFile) = (Path.Combine(_folder, $"{file}.pem"), Path.Combine(_folder, $"{file}-key.pem"));
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }
}
