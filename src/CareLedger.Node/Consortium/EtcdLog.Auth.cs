using CareLedger.Ledger.Ordering.Consortium;
using Etcdserverpb;
using Grpc.Core;

namespace CareLedger.Node.Consortium;

/// <summary>
/// etcd's user authentication: the node's user and password are exchanged once for a token sent with
/// every call, and again when etcd says the token has lapsed. A node with a client certificate and no
/// password sends no token: etcd takes the certificate's common name as the user.
/// </summary>
public sealed partial class EtcdLog
{
    private readonly SemaphoreSlim _authenticating = new(1, 1);
    private volatile string? _token;

    /// <summary>
    /// At start: one read under the consortium's prefix proves the TLS handshake, the certificate and the
    /// credentials. False when no member answered (the node starts and waits for the log).
    /// </summary>
    /// <exception cref="InvalidOperationException">etcd, or its TLS, refuses this node: an operator must fix its settings.</exception>
    public async Task<bool> CheckAccessAsync(CancellationToken ct)
    {
        try
        {
            await GetLeaderAsync(ct);
            return true;
        }
        catch (BlockLogException e) when (EtcdCredentials.IsUntrustedServer(e))
        {
            throw new InvalidOperationException($"cannot trust etcd ({string.Join(", ", Endpoints)}): its certificate is not from the CA in EtcdCaFile (--etcd-ca) or does not name the host", e);
        }
        catch (BlockLogException e) when (EtcdCredentials.IsRefusal(e))
        {
            throw new InvalidOperationException($"etcd refuses this node ({string.Join(", ", Endpoints)}): {e.Message}", e);
        }
        catch (BlockLogException)
        {
            return false;
        }
    }

    private async ValueTask<string?> TokenAsync(Endpoint endpoint, CancellationToken ct)
    {
        if (_credentials.User is null) return null;
        if (_token is { } token) return token;
        await _authenticating.WaitAsync(ct);
        try
        {
            if (_token is { } fresh) return fresh;
            var request = new AuthenticateRequest { Name = _credentials.User, Password = _credentials.Password };
            try
            {
                var response = await endpoint.Clients.Auth.AuthenticateAsync(request, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
                _token = response.Token;
                return response.Token;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.PermissionDenied)
            {
                throw new BlockLogException($"etcd refused user {_credentials.User}: {e.Status.Detail}", e);
            }
        }
        finally
        {
            _authenticating.Release();
        }
    }

    private void ForgetToken() => _token = null;
}
