using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.Blocks;

namespace CareLedger.Contracts.Tests.Membership;

/// <summary>An admin invites with a one-time key; whoever holds it joins with the invitation's role, once, for their own account only.</summary>
public sealed class InvitationTests : IDisposable
{
    private readonly TestConsortium _chain = ConsortiumBuilder.Standard().Build();
    private readonly SigningKey _oneTime = SigningKey.Generate();

    public void Dispose()
    {
        _chain.Dispose();
        _oneTime.Dispose();
    }

    private const string Id = "0123456789abcdef0123456789abcdef";

    private TxResult Invite(string role = Roles.Patient, string? name = null, string id = Id, long? expiry = null)
    {
        var args = new CborMap { ["invitation"] = id, ["role"] = role, ["key"] = _oneTime.PublicKey, ["expiry"] = expiry ?? _chain.Time + TestConsortium.Day };
        if (name is not null) args["name"] = name;
        return _chain.Submit("clinic-admin", "membership", "invite", args);
    }

    private CborMap Acceptance(AccountId invitee, SigningKey? signer = null, string id = Id) => new()
    {
        ["invitation"] = id, ["proof"] = (signer ?? _oneTime).Sign(Hash256.Of(Invitation.Acceptance(_chain.Genesis.ChainId, id, invitee))),
    };

    [Fact]
    public void AnInvitee_WhoHoldsTheOneTimeKey_JoinsTheOrganisationWithItsRole_AndMayThenTransact()
    {
        Verdict.Valid(Invite());
        var invitee = _chain.Outsider("invitee");

        var accepted = _chain.Submit("invitee", "membership", Invitations.AcceptAction, Acceptance(invitee));

        Verdict.Valid(accepted);
        var member = _chain.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = invitee.ToString() }).Value;
        Assert.Equal(new Member(invitee, "city-clinic", Roles.Patient, ""), member);
        Verdict.Valid(_chain.Submit("invitee", "records", "publish-key", new CborMap()));
        Assert.Equal(invitee.ToString(), _chain.Get(Invitation.Key(Id))!.UsedBy);
    }

    [Fact]
    public void AnInvitation_IsUsedOnce()
    {
        Verdict.Valid(Invite());
        var first = _chain.Outsider("first");
        var second = _chain.Outsider("second");
        Verdict.Valid(_chain.Submit("first", "membership", Invitations.AcceptAction, Acceptance(first)));

        var tx = _chain.Sign("second", "membership", Invitations.AcceptAction, Acceptance(second));

        Assert.Contains("already used", _chain.Runtime.CheckAdmission(_chain.State, tx, _chain.Time));
        Assert.False(_chain.IsMember(second));
    }

    [Fact]
    public void AnAcceptance_SeenOnItsWay_CannotBeTakenForAnotherAccount()
    {
        Verdict.Valid(Invite());
        var invitee = _chain.Outsider("invitee");
        var thief = _chain.Outsider("thief");

        var stolen = _chain.Sign("thief", "membership", Invitations.AcceptAction, Acceptance(invitee)); // the invitee's proof, the thief's signature

        Assert.Contains("does not verify", _chain.Runtime.CheckAdmission(_chain.State, stolen, _chain.Time));
        Verdict.Refused(_chain.Submit("thief", "membership", Invitations.AcceptAction, Acceptance(invitee)), "does not verify");
        Assert.False(_chain.IsMember(thief));
    }

    [Fact]
    public void AnExpiredOrWithdrawnInvitation_OrAWrongKey_AdmitsNobody()
    {
        Verdict.Valid(Invite(expiry: _chain.Time + TestConsortium.Hour));
        var late = _chain.Outsider("late");
        using var wrong = SigningKey.Generate();
        var forged = _chain.Outsider("forged");
        Verdict.Refused(_chain.Submit("forged", "membership", Invitations.AcceptAction, Acceptance(forged, wrong)), "does not verify");
        _chain.Advance(2 * TestConsortium.Hour);

        Verdict.Refused(_chain.Submit("late", "membership", Invitations.AcceptAction, Acceptance(late)), "expired");

        const string other = "fedcba9876543210fedcba9876543210";
        Verdict.Valid(Invite(id: other));
        Verdict.Valid(_chain.Submit("clinic-admin", "membership", "withdraw-invitation", new CborMap { ["invitation"] = other }));
        Verdict.Refused(_chain.Submit("late", "membership", Invitations.AcceptAction, Acceptance(late, id: other)), "no invitation");
        Assert.False(_chain.IsMember(late));
        Assert.False(_chain.IsMember(forged));
    }

    [Fact]
    public void OnlyAnAdmin_Invites_AndNeverAPatientByName()
    {
        Verdict.Refused(_chain.Submit("dr-rivera", "membership", "invite",
            new CborMap { ["invitation"] = Id, ["role"] = Roles.Patient, ["key"] = _oneTime.PublicKey, ["expiry"] = _chain.Time + TestConsortium.Day }), "only an organisation admin");
        Verdict.Refused(Invite(name: "Pat Named"), "a patient's name is not put on the ledger");
        Verdict.Valid(Invite(role: Roles.Practitioner, name: "Dr. Invited"));
        Assert.Equal("Dr. Invited", _chain.Get(Invitation.Key(Id))!.Name);
    }

    [Fact]
    public void ANonMember_MayNotTransactOtherwise()
    {
        var outsider = _chain.Outsider("outsider");
        var tx = _chain.Sign("outsider", "records", "publish-key", new CborMap());

        Assert.Contains("not a member", _chain.Runtime.CheckAdmission(_chain.State, tx, _chain.Time));
        Assert.False(_chain.IsMember(outsider));
    }
}
