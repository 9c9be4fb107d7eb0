using System.Security.Cryptography;
using CareLedger.Client.Api;
using CareLedger.Client.Services;
using CareLedger.Client.Tokens;
using CareLedger.Consortium.Tests.Support;
using CareLedger.Contracts.Services;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Wire;
using CareLedger.Node.Demo;
using Xunit.Abstractions;

namespace CareLedger.Consortium.Tests;

/// <summary>
/// A consultation whose steps are taken at different organisations' nodes, as they would be: the patient books and pays
/// at the laboratory's node (2), the doctor accepts, runs and completes it at the pharmacy's node (1), the patient
/// acknowledges at the clinic's node (0). Every node must tell the same story and the money must add up.
/// </summary>
public sealed class CrossNodeBookingTests(SharedConsortium shared, ITestOutputHelper output) : SharedConsortiumTest(shared, output)
{
    private const string Encounter = """{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"VR"}}""";

    [Fact]
    public async Task Consultation_BookedAtOneNodeCompletedAtAnotherAcknowledgedAtAThird_IsPaidOnceAndEveryNodeAgrees()
    {
        var nodes = Enumerable.Range(0, Cluster.Size).Select(i => new NodeClient(Cluster.Nodes[i].BaseAddress)).ToList();
        var patient = Cluster.Key("patient-jones");
        var doctor = Cluster.Key("dr-rivera");
        var platform = Cluster.Key("platform-admin");
        var atLab = new ServicesClient(nodes[2]);
        var atPharmacy = new ServicesClient(nodes[1]);
        var atClinic = new ServicesClient(nodes[0]);
        var before = await MoneyAsync(nodes[0], patient, doctor, platform);
        Log($"before: {before}");

        // A slot a few minutes ahead, so the consultation may start now (it may start a quarter of an hour early).
        var start = DateTimeOffset.UtcNow.AddMinutes(3).ToUnixTimeMilliseconds() / 60_000 * 60_000;
        await Committed(atPharmacy.AddSlotsAsync(doctor, [start], 30));
        var booking = "xnode-" + Guid.NewGuid().ToString("N")[..12];
        var booked = await Committed(atLab.BookAsync(patient, new BookingRequest(booking, doctor.Account.ToString(), start, "video", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)))));
        await Cluster.WaitForHeightAsync(1, booked.Height!.Value, Patience);
        await Committed(atPharmacy.AcceptAsync(doctor, booking));
        await Committed(atPharmacy.StartConsultationAsync(doctor, booking));
        await Committed(atPharmacy.EndConsultationAsync(doctor, booking));
        var (summary, completed) = await atPharmacy.CompleteWithSummaryAsync(doctor, booking, Encounter);
        Assert.True(completed.Valid, completed.Reason);
        await Cluster.WaitForHeightAsync(0, completed.Height!.Value, Patience);
        var acknowledged = await Committed(atClinic.AcknowledgeAsync(patient, booking));
        Assert.Contains(acknowledged.Events!, e => e.Name == "PaymentReleased");

        var (height, _) = await Cluster.WaitForSameHeadAsync([0, 1, 2], Patience);
        Assert.True(height >= acknowledged.Height, $"the nodes agree at {height}, before the acknowledgement at {acknowledged.Height}");
        for (var i = 0; i < Cluster.Size; i++)
        {
            var seen = await new ServicesClient(nodes[i]).As(patient).GetBookingAsync(booking);
            Assert.NotNull(seen);
            Assert.Equal((BookingStatus.Released, summary.Record), (seen.Status, seen.Summary));
            Assert.Equal(seen.Price, seen.Paid + seen.Fee);
            var after = await MoneyAsync(nodes[i], patient, doctor, platform);
            Log($"node {i} after: {after}");
            Assert.Equal(before.Patient - seen.Price, after.Patient);
            Assert.Equal(before.Doctor + seen.Paid, after.Doctor);
            Assert.Equal(before.PlatformFees + seen.Fee, after.PlatformFees);
            Assert.True(seen.Paid > 0 && seen.Fee > 0, $"paid {seen.Paid}, fee {seen.Fee}");
        }
    }

    private static async Task<ReceiptDto> Committed(Task<ReceiptDto> sent)
    {
        var receipt = await sent;
        Assert.True(receipt.Valid == true, $"{receipt.TxId}: {receipt.Status} {receipt.Reason}");
        return receipt;
    }

    private sealed record Money(long Patient, long Doctor, long PlatformFees);

    /// <summary>Each balance read by whom it is told to: the patient's and the doctor's by themselves, the operator's fees by its admin.</summary>
    private static async Task<Money> MoneyAsync(NodeClient node, SigningKey patient, SigningKey doctor, SigningKey platform) => new(
        (await new TokensClient(node.As(patient)).BalanceAsync(DemoConsortium.Asset, patient.Account)).Balance,
        (await new TokensClient(node.As(doctor)).BalanceAsync(DemoConsortium.Asset, doctor.Account)).Balance,
        (await new ServicesClient(node.As(platform)).GetTreasuryAsync(DemoConsortium.Operator, DemoConsortium.Asset)).Amount);
}
