using CareLedger.Client.Api;
using CareLedger.Contracts.Licensing;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Licensing;

/// <summary>
/// The licensing contract over a node: the licensing authority issues and revokes practitioners'
/// licences; anyone verifies one. Actions return their receipt or throw <see cref="ContractActionException"/>.
/// </summary>
public sealed class LicensingClient(NodeClient node)
{
    public const string Contract = "licensing";

    /// <summary>Issues or renews a licence from <paramref name="validFrom"/> until <paramref name="validUntil"/> (Unix ms); signed by an admin of the authority.</summary>
    public Task<ReceiptDto> IssueAsync(IAccountKey admin, AccountId practitioner, string specialty, string jurisdiction, long validFrom, long validUntil,
        CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "issue", new CborMap
        {
            ["practitioner"] = practitioner.ToString(), ["specialty"] = specialty, ["jurisdiction"] = jurisdiction,
            ["validFrom"] = validFrom, ["validUntil"] = validUntil,
        }, ct);

    /// <summary>Revokes a licence from now on, with the reason that will stand on the ledger.</summary>
    public Task<ReceiptDto> RevokeAsync(IAccountKey admin, AccountId practitioner, string reason, CancellationToken ct = default) =>
        node.CommitAsync(admin, Contract, "revoke", new CborMap { ["practitioner"] = practitioner.ToString(), ["reason"] = reason }, ct);

    /// <summary>Whether the practitioner holds a valid licence at a time (Unix ms; the node's now when null), why not, and the licence.</summary>
    public Task<LicenceVerdict> VerifyAsync(AccountId practitioner, long? at = null, CancellationToken ct = default)
    {
        var args = new CborMap { ["practitioner"] = practitioner.ToString() };
        if (at is { } time) args["at"] = time;
        return node.QueryAsync<LicenceVerdict>(Contract, "verify", args, ct);
    }

    /// <summary>Every licence issued, revoked ones too, in practitioner order (licences are public).</summary>
    public async Task<IReadOnlyList<Licence>> ListAsync(CancellationToken ct = default)
    {
        var all = new List<Licence>();
        await foreach (var licence in node.QueryAllAsync<LicenceList, Licence>(Contract, "licences", new CborMap(), ct: ct)) all.Add(licence);
        return all;
    }
}
