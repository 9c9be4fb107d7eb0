using System.Text.Json.Nodes;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// The telemedicine flow through the CLI on a real demo node: each test has a practitioner of its
/// own (licensed in a specialty nobody else has, 100 CARE a consultation, slots starting within the
/// quarter hour so the consultation may start at once) and books as the demo patient.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class ServicesTests(DemoNodeFixture node) : IDisposable
{
    private const string Patient = "patient-jones";
    private const long Price = 100;
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    private const string Encounter = """
        {"resourceType":"Encounter","status":"finished",
         "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"VR","display":"virtual"},
         "subject":{"reference":"Patient/jones"},"reasonCode":[{"text":"sore throat"}]}
        """;

    private sealed record Practitioner(string Key, string Specialty, long[] Slots);

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await node.RunWithKeysAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}\n{result}");
        return result;
    }

    private async Task<JsonNode> JsonAsync(params string[] args) => JsonNode.Parse((await OkAsync([.. args, "--json"])).Output)!;

    /// <summary>A new practitioner with a profile, two slots 10 and 40 minutes ahead, and the patient's treatment grant for Encounters.</summary>
    private async Task<Practitioner> NewPractitionerAsync()
    {
        var key = "dr-" + Guid.NewGuid().ToString("N")[..8];
        var specialty = "tele-" + key[3..];
        Assert.Equal(0, (await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "keys", "new", key, "--keystore", node.Keystore)).ExitCode);
        await OkAsync("member", "add", key, "--role", "practitioner", "--name", $"Dr. {key}", "--key", "clinic-admin");
        await OkAsync("licence", "issue", key, "--specialty", specialty, "--jurisdiction", "EU-DEMO", "--valid-until", "2099-12-31", "--key", "board-admin");
        await OkAsync("record", "publish-key", "--key", key);
        await OkAsync("practitioner", "profile", "--language", "en", "--language", "pt", "--mode", "video", "--mode", "on-site", "--price", $"{Price}", "--key", key);
        await OkAsync("practitioner", "slots", "add", "--at", "10m", "--at", "40m", "--key", key);
        await OkAsync("consent", "grant", "--to", key, "--purpose", "treatment", "--type", "Encounter", "--until", "30d", "--key", Patient);
        var slots = (await JsonAsync("practitioner", "show", key))["slots"]!.AsArray().Select(s => s!["start"]!.GetValue<long>()).ToArray();
        return new Practitioner(key, specialty, slots);
    }

    private async Task<CliResult> BookAsync(Practitioner doctor, string booking, long slot, string mode = "video")
    {
        var symptoms = _files.File($"symptoms-{booking}.txt");
        await File.WriteAllTextAsync(symptoms, "Sore throat and fever since Monday.");
        return await node.RunWithKeysAsync("book", doctor.Key, "--slot", $"{slot}", "--mode", mode, "--symptoms-file", symptoms, "--booking", booking, "--key", Patient);
    }

    private async Task<long> BalanceAsync(string key) => (await JsonAsync("tokens", "balance", "--asset", "CARE", "--key", key))["balance"]!.GetValue<long>();

    // The operator's fees are told to its staff (and overseers).
    private async Task<long> PlatformFeesAsync() => (await JsonAsync("treasury", "show", "platform", "--as", "platform-admin"))["amount"]!.GetValue<long>();

    // A booking is told to its parties: read as the patient.
    private async Task<JsonNode> BookingAsync(string booking) => await JsonAsync("booking", "show", booking, "--as", Patient);

    private static string NewBookingId() => "bk-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AsyncConsultation_BookedWithoutASlot_AnsweredWithASummary_IsAcknowledgedAndPaid()
    {
        var doctor = await NewPractitionerAsync();
        await OkAsync("practitioner", "profile", "--language", "en", "--mode", "video", "--mode", "async", "--response-hours", "24", "--price", $"{Price}",
            "--key", doctor.Key);
        var symptoms = _files.File("symptoms-async.txt");
        await File.WriteAllTextAsync(symptoms, "A red patch on the forearm.");
        var withSlot = await node.RunWithKeysAsync("book", doctor.Key, "--slot", $"{doctor.Slots[0]}", "--mode", "async", "--symptoms-file", symptoms, "--key", Patient);
        Assert.NotEqual(0, withSlot.ExitCode);
        Assert.Contains("an async consultation takes no slot", withSlot.ToString());
        var booking = NewBookingId();
        await OkAsync("book", doctor.Key, "--mode", "async", "--symptoms-file", symptoms, "--booking", booking, "--key", Patient);
        var booked = await BookingAsync(booking);
        Assert.Equal("async", booked["mode"]!.GetValue<string>());
        Assert.Equal(24 * 3_600_000L, booked["end"]!.GetValue<long>() - booked["start"]!.GetValue<long>());

        await OkAsync("booking", "accept", booking, "--key", doctor.Key);
        var summary = _files.File("answer.json");
        await File.WriteAllTextAsync(summary, Encounter);
        await OkAsync("consultation", "complete", booking, "--summary-file", summary, "--key", doctor.Key);
        await OkAsync("consultation", "acknowledge", booking, "--key", Patient);

        Assert.Equal("released", (await BookingAsync(booking))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Consultation_SearchBookRunCompleteAcknowledge_PaysThePractitionerAndTheOperatorFee()
    {
        var doctor = await NewPractitionerAsync();
        var patientBefore = await BalanceAsync(Patient);
        var feesBefore = await PlatformFeesAsync();
        var booking = NewBookingId();
        var summary = _files.File("encounter.json");
        await File.WriteAllTextAsync(summary, Encounter);

        var search = await OkAsync("practitioner", "search", "--specialty", doctor.Specialty, "--language", "pt", "--max-price", "100", "--from", "5m", "--to", "1h");
        var booked = await BookAsync(doctor, booking, doctor.Slots[0]);
        var accepted = await OkAsync("booking", "accept", booking, "--key", doctor.Key);
        await OkAsync("consultation", "start", booking, "--key", doctor.Key);
        await OkAsync("consultation", "end", booking, "--key", doctor.Key);
        var completed = await OkAsync("consultation", "complete", booking, "--summary-file", summary, "--key", doctor.Key);
        var acknowledged = await OkAsync("consultation", "acknowledge", booking, "--key", Patient);

        Assert.Single(search.LinesWith($"Dr. {doctor.Key}", doctor.Specialty, "100 CARE", ServiceMinute(doctor.Slots[0])));
        Assert.True(booked.ExitCode == 0, booked.ToString());
        Assert.Contains("services.Booked", booked.Output);
        Assert.Contains("services.BookingAccepted", accepted.Output);
        Assert.Contains("services.ConsultationCompleted", completed.Output);
        Assert.Contains("services.PaymentReleased", acknowledged.Output);
        var settled = await BookingAsync(booking);
        Assert.Equal("released", settled["status"]!.GetValue<string>());
        Assert.Equal(completed.Id("Summary record"), settled["summary"]!.GetValue<string>());
        Assert.Equal(95, await BalanceAsync(doctor.Key));
        Assert.Equal(feesBefore + 5, await PlatformFeesAsync());
        Assert.Equal(patientBefore - Price, await BalanceAsync(Patient));
    }

    [Fact]
    public async Task Booking_SymptomStatement_IsReadableByThePractitionerOnly()
    {
        var doctor = await NewPractitionerAsync();
        var booking = NewBookingId();
        Assert.Equal(0, (await BookAsync(doctor, booking, doctor.Slots[0])).ExitCode);

        var asDoctor = await OkAsync("booking", "show", booking, "--symptoms-key", doctor.Key);
        var asPharmacist = await OkAsync("booking", "show", booking, "--symptoms-key", "pharmacist-chen", "--as", Patient);

        Assert.Contains("Sore throat and fever since Monday.", asDoctor.Output);
        Assert.DoesNotContain("Sore throat", asPharmacist.Output);
        Assert.Contains("not shared with this key", asPharmacist.Output);
        Assert.DoesNotContain("Sore throat", (await BookingAsync(booking)).ToJsonString());
    }

    [Fact]
    public async Task Booking_Declined_RefundsThePatientAndFreesTheSlot()
    {
        var doctor = await NewPractitionerAsync();
        var before = await BalanceAsync(Patient);
        var booking = NewBookingId();
        Assert.Equal(0, (await BookAsync(doctor, booking, doctor.Slots[1], mode: "on-site")).ExitCode);
        Assert.Equal(before - Price, await BalanceAsync(Patient));

        var declined = await OkAsync("booking", "decline", booking, "--reason", "away that day", "--key", doctor.Key);

        Assert.Contains("services.BookingDeclined", declined.Output);
        Assert.Equal(before, await BalanceAsync(Patient));
        var shown = await BookingAsync(booking);
        Assert.Equal("declined", shown["status"]!.GetValue<string>());
        Assert.Equal(Price, shown["refunded"]!.GetValue<long>());
        var slots = (await JsonAsync("practitioner", "show", doctor.Key))["slots"]!.AsArray();
        Assert.All(slots, s => Assert.Equal("", s!["booking"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Bookings_ReadWithoutTheirPartiesKey_AreRefusedInOneLineAndShowNothing()
    {
        var doctor = await NewPractitionerAsync();
        var booking = NewBookingId();
        Assert.Equal(0, (await BookAsync(doctor, booking, doctor.Slots[0])).ExitCode);
        var patient = node.Account(Patient).ToString();

        var unsigned = await node.RunAsync("booking", "show", booking, "--json");
        var listedUnsigned = await node.RunAsync("booking", "list", "--patient", patient, "--json");
        var asPharmacist = await node.RunWithKeysAsync("booking", "show", booking, "--as", "pharmacist-chen");
        var listedAsPharmacist = await node.RunWithKeysAsync("booking", "list", "--patient", Patient, "--as", "pharmacist-chen");

        foreach (var refused in new[] { unsigned, listedUnsigned })
        {
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.StartsWith("✗ not signed:", Assert.Single(refused.ErrorLines));
            Assert.Contains("--as <KEY>", refused.Errors);
            Assert.DoesNotContain(booking, refused.Output);
        }
        // To someone it does not concern, a booking is as if there were none: probing ids tells nothing.
        Assert.True(asPharmacist.ExitCode == 1, asPharmacist.ToString());
        Assert.StartsWith($"✗ no booking {booking} that pharmacist-chen may see", Assert.Single(asPharmacist.ErrorLines));
        Assert.True(listedAsPharmacist.ExitCode == 1, listedAsPharmacist.ToString());
        Assert.StartsWith("✗ access refused to pharmacist-chen:", Assert.Single(listedAsPharmacist.ErrorLines));
        foreach (var refused in new[] { asPharmacist, listedAsPharmacist })
        {
            Assert.Contains("--as <KEY>", refused.Errors);
            Assert.DoesNotContain(booking, refused.Output);
        }
        Assert.Single((await OkAsync("booking", "list", "--patient", Patient)).LinesWith(booking));
    }

    [Fact]
    public async Task Book_ASlotAlreadyBooked_IsRefusedWithOneLineAndTakesNothing()
    {
        var doctor = await NewPractitionerAsync();
        Assert.Equal(0, (await BookAsync(doctor, NewBookingId(), doctor.Slots[0])).ExitCode);
        var before = await BalanceAsync(Patient);

        var second = await BookAsync(doctor, NewBookingId(), doctor.Slots[0]);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("services.book refused: slot taken", Assert.Single(second.ErrorLines));
        Assert.Equal(before, await BalanceAsync(Patient));
    }

    [Fact]
    public async Task Book_ATimeWithoutASlot_FailsBeforeSigningAndNamesTheFreeSlots()
    {
        var doctor = await NewPractitionerAsync();

        var result = await BookAsync(doctor, NewBookingId(), doctor.Slots[0] + 60_000);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"free slots: {ServiceMinute(doctor.Slots[0])}, {ServiceMinute(doctor.Slots[1])}", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Accept_ByAnotherPractitioner_IsRefusedWithTheContractsReason()
    {
        var doctor = await NewPractitionerAsync();
        var booking = NewBookingId();
        Assert.Equal(0, (await BookAsync(doctor, booking, doctor.Slots[0])).ExitCode);

        var result = await node.RunWithKeysAsync("booking", "accept", booking, "--key", "dr-rivera");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"services.accept refused: booking {booking} is not yours", Assert.Single(result.ErrorLines));
        Assert.Equal("requested", (await BookingAsync(booking))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Search_DemoDoctor_IsListedWithHerSeededProfileAndSlots()
    {
        var found = (await JsonAsync("practitioner", "search", "--specialty", "general-practice", "--language", "es")).AsArray();

        var rivera = Assert.Single(found, p => p!["name"]!.GetValue<string>() == "Dr. Ana Rivera")!;
        Assert.Equal(50, rivera["price"]!.GetValue<long>());
        Assert.NotEmpty(rivera["freeSlots"]!.AsArray());
    }

    private static string ServiceMinute(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
