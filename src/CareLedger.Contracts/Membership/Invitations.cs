using System.Formats.Cbor;
using System.Text.Json.Serialization;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Contracts.Membership;

/// <summary>
/// An invitation to join an organisation, at membership/invitation/{id}: the role (and, for staff, the name) the invitee
/// gets, the public half of a one-time key, who made it, until when, and who used it. The admin hands the private half
/// to the invitee in a link or QR code; the invitee proves they hold it by signing their own account with it, so nobody
/// who sees the acceptance on its way can take the invitation for another account.
/// </summary>
public sealed record Invitation(
    string Id, [property: JsonPropertyName("org")] string Organisation, string Role, string Name,
    [property: JsonPropertyName("key"), JsonConverter(typeof(CborBytesJsonConverter))] byte[] PublicKey, AccountId By, long Expiry, string UsedBy)
    : ICborRecord<Invitation>
{
    public const string KeyPrefix = "membership/invitation/";

    public static StatePrefix<Invitation> All { get; } = new(KeyPrefix);

    public static StateKey<Invitation> Key(string id) => new(KeyPrefix + id);

    [JsonIgnore] public bool Used => UsedBy.Length > 0;

    public CborMap ToCbor() => new()
    {
        ["id"] = Id, ["org"] = Organisation, ["role"] = Role, ["name"] = Name, ["key"] = PublicKey, ["by"] = By.ToString(), ["expiry"] = Expiry, ["usedBy"] = UsedBy,
    };

    public static Invitation FromCbor(CborMap map) => CborFields.Read(map, static f => new Invitation(
        f.Text("id"), f.Text("org"), f.Text("role"), f.Text("name"), f.Bytes("key"), f.Account("by"), f.Int("expiry"), f.Text("usedBy")));

    /// <summary>What the one-time key signs: the chain, the invitation and the account that takes it up.</summary>
    public static byte[] Acceptance(string chainId, string invitation, AccountId invitee)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(4);
        writer.WriteTextString("careledger/invitation/v1");
        writer.WriteTextString(chainId);
        writer.WriteTextString(invitation);
        writer.WriteTextString(invitee.ToString());
        writer.WriteEndArray();
        return writer.Encode();
    }
}

/// <summary>Making, taking up and withdrawing invitations (the membership contract's actions).</summary>
public static class Invitations
{
    public const string AcceptAction = "accept-invitation";

    /// <summary>Longest an invitation stays open: thirty days.</summary>
    public const long MaxLifetimeMs = 30L * 24 * 3600 * 1000;

    public static Outcome Invite(ContractContext ctx, CborMap args)
    {
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        var id = args.GetText("invitation");
        var role = args.GetText("role");
        var name = args.TryGetText("name") ?? "";
        var key = args.GetBytes("key");
        var expiry = args.GetInt("expiry");
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) return Outcome.Fail("an invitation id is 32 lowercase hexadecimal characters");
        if (ctx.State.Contains(Invitation.Key(id))) return Outcome.Fail($"invitation {id} already exists");
        if (!SignatureVerifier.IsValidPublicKey(key)) return Outcome.Fail("'key' is not a P-256 public key (SubjectPublicKeyInfo)");
        if (expiry <= ctx.BlockTime || expiry > ctx.BlockTime + MaxLifetimeMs) return Outcome.Fail("an invitation expires in the future, at most 30 days ahead");
        if (Members.CheckRole(ctx.State, admin, role, name) is { } refusal) return Outcome.Fail(refusal);
        ctx.State.Put(Invitation.Key(id), new Invitation(id, admin.Organisation, role, name, key, ctx.Sender, expiry, ""));
        ctx.Emit("InvitationMade", new CborMap { ["invitation"] = id, ["org"] = admin.Organisation, ["role"] = role });
        return Outcome.Ok;
    }

    /// <summary>Why this sender may not take up this invitation now, or null; also checked before ordering, so a bad acceptance never reaches a block.</summary>
    public static string? Refusal(IStateReader state, string chainId, AccountId sender, CborMap args, long now) =>
        Refusal(account => state.Get(Member.Key(account).Value) is { } m ? Member.FromCbor(CborMap.Decode(m)) : null,
            id => state.Get(Invitation.Key(id).Value) is { } i ? Invitation.FromCbor(CborMap.Decode(i)) : null, chainId, sender, args, now);

    private static string? Refusal(Func<AccountId, Member?> member, Func<string, Invitation?> find, string chainId, AccountId sender, CborMap args, long now)
    {
        if (args.TryGetText("invitation") is not { } id || !args.TryGetValue("proof", out var p) || p is not byte[] proof)
            return "an acceptance names the invitation and carries its proof";
        if (member(sender) is not null) return $"account {sender} is already a member";
        if (find(id) is not { } invitation) return $"no invitation {id}";
        if (invitation.Used) return "this invitation was already used";
        if (invitation.Expiry < now) return "this invitation has expired: ask for a new one";
        if (!SignatureVerifier.Verify(invitation.PublicKey, Hash256.Of(Invitation.Acceptance(chainId, id, sender)), proof))
            return "the invitation's proof does not verify: the link is damaged, or it is another invitation's";
        return null;
    }

    public static Outcome Accept(ContractContext ctx, CborMap args)
    {
        if (Refusal(a => ctx.State.Get(Member.Key(a)), id => ctx.State.Get(Invitation.Key(id)), ctx.ChainId, ctx.Sender, args, ctx.BlockTime) is { } refusal)
            return Outcome.Fail(refusal);
        var invitation = ctx.State.Get(Invitation.Key(args.GetText("invitation")))!;
        Members.Put(ctx.State, new Member(ctx.Sender, invitation.Organisation, invitation.Role, invitation.Name));
        ctx.State.Put(Invitation.Key(invitation.Id), invitation with { UsedBy = ctx.Sender.ToString() });
        ctx.Emit("MemberRegistered", new CborMap { ["account"] = ctx.Sender.ToString(), ["org"] = invitation.Organisation, ["role"] = invitation.Role });
        return Outcome.Ok;
    }

    public static Outcome Withdraw(ContractContext ctx, CborMap args)
    {
        var admin = Members.FindMember(ctx.State, ctx.Sender)!;
        var invitation = ctx.State.Get(Invitation.Key(args.GetText("invitation")));
        if (invitation is null || invitation.Organisation != admin.Organisation) return Outcome.Fail($"no invitation {args.GetText("invitation")} of your organisation");
        if (invitation.Used) return Outcome.Fail("this invitation was already used");
        ctx.State.Delete(Invitation.Key(invitation.Id));
        return Outcome.Ok;
    }

    /// <summary>A permissioned chain's sender policy: members transact; a non-member only to take up a valid invitation.</summary>
    public static string? SenderPolicy(IStateReader state, Transaction tx, string chainId, long now) =>
        tx.Contract == "membership" && tx.Action == AcceptAction
            ? Refusal(state, chainId, tx.Sender, tx.Args, now)
            : Members.RequireMember(state, tx.Sender);
}
