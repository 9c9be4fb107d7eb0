using CareLedger.Client.Api;
using CareLedger.Client.Licensing;
using CareLedger.Client.Membership;
using CareLedger.Contracts.Licensing;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Portal.Records;

/// <summary>A practitioner's licence as the ledger has it now, and the name of the authority that issued it.</summary>
public sealed record LicenceShown(LicenceVerdict Verdict, string Authority)
{
    public Licence? Licence => Verdict.Licence;

    /// <summary>Public licences (anyone may read them), with the issuing organisations named, for the given practitioners.</summary>
    public static async Task<Dictionary<AccountId, LicenceShown>> ReadAsync(NodeClient node, IEnumerable<AccountId> practitioners, CancellationToken ct = default)
    {
        var names = (await new MembershipClient(node).OrganisationsAsync(ct)).ToDictionary(o => o.Id, o => o.Name);
        var licensing = new LicensingClient(node);
        var shown = new Dictionary<AccountId, LicenceShown>();
        foreach (var p in practitioners.Distinct())
        {
            var verdict = await licensing.VerifyAsync(p, ct: ct);
            shown[p] = new LicenceShown(verdict, verdict.Licence is { } l ? names.GetValueOrDefault(l.Issuer, l.Issuer) : "");
        }
        return shown;
    }
}
