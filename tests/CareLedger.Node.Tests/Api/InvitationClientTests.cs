using System.Security.Cryptography;
using CareLedger.Client.Api;
using CareLedger.Client.Membership;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

/// <summary>The invitation flow through the SDK against a real node: the admin invites, the link travels, the invitee joins.</summary>
[Collection(DemoNodeCollection.Name)]
public sealed class InvitationClientTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task AnInviteeWithTheLink_JoinsAsAPatient_PublishesTheirKey_AndTheLinkIsThenSpent()
    {
        var membership = new MembershipClient(demo.Client);
        using var oneTime = SigningKey.Generate();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await membership.InviteAsync(demo.Keys["clinic-admin"], id, oneTime.PublicKey, "patient", DateTimeOffset.UtcNow.AddDays(7));
        var link = InvitationLink.Parse("#" + new InvitationLink(id, oneTime.ExportPkcs8()).Fragment)!;

        using var invitee = SigningKey.Generate();
        using var fromLink = SigningKey.FromPkcs8(link.OneTimeKey);
        await membership.AcceptInvitationAsync(invitee, link.Invitation, fromLink);
        await new RecordsClient(demo.Client).PublishKeyAsync(invitee);

        var member = await membership.As(invitee).GetMemberAsync(invitee.Account);
        Assert.Equal(("city-clinic", "patient"), (member!.Organisation, member.Role));
        Assert.Equal(invitee.Account.ToString(), (await membership.GetInvitationAsync(id))!.UsedBy);
        var listed = await membership.As(demo.Keys["clinic-admin"]).InvitationsAsync("city-clinic");
        Assert.Contains(listed, i => i.Id == id);

        using var latecomer = SigningKey.Generate();
        var refused = await Assert.ThrowsAsync<NodeApiException>(() => membership.AcceptInvitationAsync(latecomer, id, fromLink));
        Assert.Contains("already used", refused.Detail);
    }
}
