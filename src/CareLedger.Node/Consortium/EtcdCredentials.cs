using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CareLedger.Node.Consortium;

/// <summary>
/// How this node reaches etcd safely (docs/consortium-tls.md): TLS that trusts only the consortium's CA
/// (or the system's, without one), a client certificate etcd checks with <c>--client-cert-auth</c> (with
/// etcd's auth on, its common name is the etcd user), and an etcd user and password exchanged for a
/// token. Read once at start; a file that cannot be read or a half-given setting stops the node with one
/// line saying which. The password is kept only to authenticate and never appears in a message.
/// </summary>
public sealed class EtcdCredentials : IDisposable
{
    private readonly X509Certificate2Collection? _trusted;
    private readonly X509Certificate2? _client;

    private EtcdCredentials(X509Certificate2Collection? trusted, X509Certificate2? client, string? user, string? password)
    {
        _trusted = trusted;
        _client = client;
        User = user;
        Password = password;
    }

    /// <summary>Plain HTTP, no authentication: etcd on a private network only (tests, a laptop demo).</summary>
    public static EtcdCredentials None => new(null, null, null, null);

    /// <summary>The etcd user this node authenticates as with a password; null when it has none (certificate or no authentication).</summary>
    public string? User { get; }

    internal string? Password { get; }

    /// <summary>Reads the CA, client certificate and password the options name; throws <see cref="InvalidOperationException"/> saying what is wrong.</summary>
    public static EtcdCredentials Load(ConsortiumOptions options)
    {
        if (string.IsNullOrEmpty(options.EtcdCertFile) != string.IsNullOrEmpty(options.EtcdKeyFile))
            throw new InvalidOperationException("etcd client TLS needs both EtcdCertFile (--etcd-cert) and EtcdKeyFile (--etcd-key)");
        var password = options.EtcdPassword;
        if (string.IsNullOrEmpty(password) && !string.IsNullOrEmpty(options.EtcdPasswordFile))
            password = Read(options.EtcdPasswordFile, "etcd password file", File.ReadAllText).TrimEnd('\r', '\n');
        if (string.IsNullOrEmpty(options.EtcdUser) != string.IsNullOrEmpty(password))
            throw new InvalidOperationException("etcd authentication needs both EtcdUser (--etcd-user) and a password (CareLedger__Consortium__EtcdPassword or --etcd-password-file)");
        var tls = !string.IsNullOrEmpty(options.EtcdCaFile) || !string.IsNullOrEmpty(options.EtcdCertFile);
        foreach (var endpoint in options.EtcdEndpoints)
        {
            if (tls && !endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"etcd TLS settings are given but endpoint {endpoint} is not https://");
            if (!string.IsNullOrEmpty(password) && !endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"refusing to send the etcd password to {endpoint} in clear: use https:// endpoints");
        }
        X509Certificate2Collection? trusted = null;
        if (!string.IsNullOrEmpty(options.EtcdCaFile))
        {
            trusted = [];
            Read(options.EtcdCaFile, "etcd CA file", path => { trusted.ImportFromPemFile(path); return 0; });
            if (trusted.Count == 0) throw new InvalidOperationException($"the etcd CA file {options.EtcdCaFile} holds no PEM certificate");
        }
        var client = string.IsNullOrEmpty(options.EtcdCertFile) ? null
            : Read(options.EtcdCertFile, "etcd client certificate or key", cert => X509Certificate2.CreateFromPemFile(cert, options.EtcdKeyFile));
        if (client is { HasPrivateKey: false })
            throw new InvalidOperationException($"the etcd client certificate {options.EtcdCertFile} has no private key in {options.EtcdKeyFile}");
        return new EtcdCredentials(trusted, client, string.IsNullOrEmpty(options.EtcdUser) ? null : options.EtcdUser, string.IsNullOrEmpty(password) ? null : password);
    }

    /// <summary>The handler for one etcd member's channel: TLS settings applied to https:// endpoints.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        KeepAlivePingDelay = TimeSpan.FromSeconds(2),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
        EnableMultipleHttp2Connections = true,
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = _client is null ? null : [_client],
            RemoteCertificateValidationCallback = _trusted is null ? null : IssuedByTrustedCa,
        },
    };

    /// <summary>
    /// Whether an error is etcd (or its TLS) refusing who we are rather than being unreachable: the node
    /// stops at start on the first, and waits for the log on the second.
    /// </summary>
    public static bool IsRefusal(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException ?? (e as Grpc.Core.RpcException)?.Status.DebugException)
        {
            if (e is AuthenticationException) return true;
            if (e is Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Unauthenticated or Grpc.Core.StatusCode.PermissionDenied }) return true;
            if (e.Message.Contains("authentication failed", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("user name is empty", StringComparison.OrdinalIgnoreCase)
                || e.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Whether TLS failed because etcd's certificate did not check out (not this node's credentials).</summary>
    public static bool IsUntrustedServer(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException ?? (e as Grpc.Core.RpcException)?.Status.DebugException)
            if (e is AuthenticationException) return true;
        return false;
    }

    /// <summary>The server's certificate must chain to the consortium's CA (not merely any public CA) and name the host we dialled.</summary>
    private bool IssuedByTrustedCa(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 server || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null) foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
        return custom.Build(server);
    }

    private static T Read<T>(string path, string what, Func<string, T> read)
    {
        try { return read(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot read the {what} {path}: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        if (_trusted is not null) foreach (var c in _trusted) c.Dispose();
    }
}
