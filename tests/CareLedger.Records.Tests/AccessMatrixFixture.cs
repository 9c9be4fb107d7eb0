using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Records.Tests;

/// <summary>
/// Everyone the access matrix asks about, set up once on one node: patient A with a record and a
/// grant to each kind of doctor, patient B, doctors with a live, expired and revoked grant and
/// with none, the pharmacist, the clinic admin and an anonymous caller.
/// </summary>
public sealed class AccessMatrixFixture : IAsyncLifetime
{
    public DemoPeople People { get; } = new();
    public Dictionary<string, SigningKey?> Roles { get; } = [];
    public string Record { get; private set; } = "";
    public string GrantToDoctor { get; private set; } = "";
    /// <summary>An account outside the matrix that the consent cells grant to, so they change no role's access.</summary>
    public SigningKey GrantTarget { get; private set; } = null!;
    public SigningKey PatientA => People.Patient;

    public async Task InitializeAsync()
    {
        await People.InitializeAsync();
        var patientB = await RegisterAsync("patient");
        var noGrant = await RegisterAsync("practitioner");
        var expired = await RegisterAsync("practitioner");
        var revoked = await RegisterAsync("practitioner");
        GrantTarget = await RegisterAsync("practitioner");

        Record = (await People.Records.AddAsync(PatientA, PatientA.Account, DemoPeople.Observation())).Record;
        GrantToDoctor = await Grant(People.Doctor, DateTimeOffset.UtcNow.AddDays(1));
        var expiry = DateTimeOffset.UtcNow.AddSeconds(3);
        await Grant(expired, expiry);
        await People.Records.RevokeAsync(PatientA, await Grant(revoked, DateTimeOffset.UtcNow.AddDays(1)));

        Roles["patient A (owner)"] = PatientA;
        Roles["patient B"] = patientB;
        Roles["doctor with grant"] = People.Doctor;
        Roles["doctor without grant"] = noGrant;
        Roles["doctor, expired grant"] = expired;
        Roles["doctor, revoked grant"] = revoked;
        Roles["pharmacist"] = People.Pharmacist;
        Roles["organisation admin"] = People.ClinicAdmin;
        Roles["anonymous"] = null;

        var wait = expiry - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
    }

    private Task<string> Grant(SigningKey grantee, DateTimeOffset expiry) =>
        People.Records.GrantAsync(PatientA, grantee.Account.ToString(), null, "treatment", [Record], [], expiry);

    private async Task<SigningKey> RegisterAsync(string role)
    {
        var key = SigningKey.Generate();
        var sent = await People.Node.Client.SendAsync(People.ClinicAdmin, "membership", "register",
            new CborMap { ["account"] = key.Account.ToString(), ["role"] = role });
        if (sent.Receipt?.Valid != true) throw new InvalidOperationException(sent.Receipt?.Reason);
        await People.Records.PublishKeyAsync(key);
        return key;
    }

    public async Task DisposeAsync() => await People.DisposeAsync();
}
