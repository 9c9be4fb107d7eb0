using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CareLedger.Cli.Tests.Support;
using CareLedger.Testing;

namespace CareLedger.Cli.Tests;

/// <summary>
/// E-prescriptions through the CLI on a real demo node: the demo patient gives dr-rivera a treatment
/// grant, dr-rivera issues, the patient presents to corner-pharmacy and pharmacist-chen (licensed
/// here) dispenses. Each test issues prescriptions of its own, with ids it chooses.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed partial class PrescriptionsTests(DemoNodeFixture node) : IDisposable
{
    private const string Patient = "patient-jones";
    private const string Doctor = "dr-rivera";
    private const string Pharmacist = "pharmacist-chen";
    private const string Pharmacy = "corner-pharmacy";
    private const string Lisinopril = "rxnorm|29046|lisinopril 10 mg tablet";
    private const string Amoxicillin = "rxnorm|723|amoxicillin 500 mg capsule";
    private readonly TempFolder _files = new();

    public void Dispose() => _files.Dispose();

    private const string PenicillinAllergy = """
        {"resourceType":"AllergyIntolerance",
         "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical","code":"active"}]},
         "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":"confirmed"}]},
         "criticality":"high","code":{"coding":[{"system":"http://www.whocc.no/atc","code":"J01C","display":"penicillins"}],"text":"penicillin"},
         "patient":{"reference":"Patient/jones"}}
        """;

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await node.RunWithKeysAsync(args);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}\n{result}");
        return result;
    }

    /// <summary>Runs a command that must be refused: a non-zero exit and exactly one error line, which is returned.</summary>
    private async Task<string> RefusedAsync(params string[] args)
    {
        var result = await node.RunWithKeysAsync(args);
        Assert.True(result.ExitCode != 0, $"expected a refusal: {string.Join(' ', args)}\n{result}");
        return Assert.Single(result.ErrorLines);
    }

    private async Task<JsonNode> JsonAsync(params string[] args) => JsonNode.Parse((await OkAsync([.. args, "--json"])).Output)!;

    private static string NewRxId() => "rx-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The patient's treatment grant to dr-rivera for the record types treatment support reads; pharmacist-chen's licence.</summary>
    private async Task CareAsync()
    {
        await OkAsync("consent", "grant", "--to", Doctor, "--purpose", "treatment", "--type", "AllergyIntolerance", "--type", "MedicationStatement",
            "--type", "MedicationRequest", "--until", "30d", "--key", Patient);
        await OkAsync("licence", "issue", Pharmacist, "--specialty", "pharmacy", "--jurisdiction", "EU-DEMO", "--valid-until", "2099-12-31", "--key", "board-admin");
    }

    private Task<CliResult> IssueAsync(string id, string medication = Lisinopril, long quantity = 30, long fills = 2, long perDay = 1, bool acknowledge = true) =>
        node.RunWithKeysAsync(["rx", "issue", "--id", id, "--patient", Patient, "--medication", medication, "--dose", "one tablet in the morning",
            "--quantity", $"{quantity}", "--fills", $"{fills}", "--valid-for", "30d", "--per-day", $"{perDay}", "--key", Doctor,
            .. acknowledge ? new[] { "--acknowledge-alerts" } : []]);

    private async Task<string> PresentAsync(string id, long price = 12)
    {
        var presented = await OkAsync("rx", "present", id, "--pharmacy", Pharmacy, "--price", $"{price}", "--key", Patient);
        return CodePattern().Match(presented.Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no code in:\n{presented}");
    }

    private string[] Dispense(string id, string code, long quantity = 30, long charge = 10) =>
        ["rx", "dispense", id, "--code", code, "--quantity", $"{quantity}", "--charge", $"{charge}", "--key", Pharmacist];

    private async Task<long> BalanceAsync(string key) => (await JsonAsync("tokens", "balance", "--asset", "CARE", "--key", key))["balance"]!.GetValue<long>();

    // A prescription is told to its patient, prescriber, the pharmacy it is presented to and overseers: read as the patient.
    private async Task<JsonNode> RxAsync(string id) => await JsonAsync("rx", "show", id, "--as", Patient);

    [Fact]
    public async Task Prescription_PresentedWithInsurerCoverage_IsPaidFromTheInsurersFundNotThePatient()
    {
        await CareAsync();
        var patientAccount = (await JsonAsync("keys", "show", Patient))["account"]!.GetValue<string>();
        await OkAsync("tokens", "mint", "--asset", "CARE", "--to", "insurer-admin", "--amount", "200", "--key", "insurer-admin");
        await OkAsync("tx", "send", "--contract", "prescriptions", "--action", "fund-coverage", "--args", """{"asset":"CARE","amount":200}""", "--key", "insurer-admin");
        await OkAsync("tx", "send", "--contract", "prescriptions", "--action", "set-coverage",
            "--args", $$"""{"patient":"{{patientAccount}}","asset":"CARE","limit":100}""", "--key", "insurer-admin");
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        var before = await BalanceAsync(Patient);

        var presented = await OkAsync("rx", "present", id, "--pharmacy", Pharmacy, "--price", "12", "--insurer", "care-insurance", "--key", Patient);
        var code = CodePattern().Match(presented.Output).Groups[1].Value;
        await OkAsync(Dispense(id, code));

        Assert.Equal(before, await BalanceAsync(Patient));
    }

    [Fact]
    public async Task Prescription_IssuePresentDispense_PaysThePharmacyOnceAndRefusesTheCodeAgain()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        var code = await PresentAsync(id, price: 12);
        var balance = await BalanceAsync(Patient);

        var dispensed = await OkAsync(Dispense(id, code, quantity: 30, charge: 10));
        var again = await RefusedAsync(Dispense(id, code, quantity: 30, charge: 10));

        Assert.Contains("✓ one-time code matches the presentation", dispensed.Output);
        Assert.Contains("✓ prescriber licensed when signing", dispensed.Output);
        Assert.Contains("committed in block", dispensed.Output);
        Assert.Contains($"prescription {id} is not presented to {Pharmacy}", again);
        Assert.Equal(balance + 2, await BalanceAsync(Patient));
        var rx = await RxAsync(id);
        Assert.Equal(1, rx["fillsLeft"]!.GetValue<long>());
        Assert.Single(rx["dispenseLog"]!.AsArray());
        Assert.Equal("", rx["pharmacy"]!.GetValue<string>());
        var listed = await OkAsync("rx", "list", "--patient", Patient);
        Assert.Single(listed.LinesWith(id, "active", "1/2"));
    }

    [Fact]
    public async Task Issue_AllergicPatient_RefusedWithTheAlertsUntilAcknowledged()
    {
        var allergy = _files.File("allergy.json");
        await File.WriteAllTextAsync(allergy, PenicillinAllergy);
        await OkAsync("record", "add", "--patient", Patient, "--file", allergy, "--key", Patient);
        await CareAsync();
        var id = NewRxId();

        var refused = await IssueAsync(id, Amoxicillin, acknowledge: false);
        var missing = await node.RunWithKeysAsync("rx", "show", id, "--as", Patient);
        var issued = await IssueAsync(id, Amoxicillin, acknowledge: true);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--acknowledge-alerts", Assert.Single(refused.ErrorLines));
        Assert.Single(refused.LinesWith("high", "allergy", "allergy:atc:J01C"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"no prescription {id}", Assert.Single(missing.ErrorLines));
        Assert.True(issued.ExitCode == 0, issued.ToString());
        // On the ledger the alert's code and the drug are sealed: neither the allergy nor the medication is in clear.
        var rx = await RxAsync(id);
        var alerts = rx["alerts"]!.AsArray();
        Assert.Contains(alerts, a => a!["code"]!.GetValue<string>().StartsWith("sha256:", StringComparison.Ordinal) && a["acknowledged"]!.GetValue<bool>());
        Assert.DoesNotContain("J01C", rx.ToJsonString());
        Assert.DoesNotContain("rxnorm", rx.ToJsonString());
        Assert.StartsWith("sha256:", rx["medication"]!.GetValue<string>());
    }

    [Fact]
    public async Task Present_PharmacyReadsThePrescriptionOnly_AnyOtherRecordIsForbidden()
    {
        var (_, other) = await node.AddObservationAsync(_files, 64);
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        await PresentAsync(id);
        var record = (await RxAsync(id))["record"]!.GetValue<string>();

        var prescription = await node.RunWithKeysAsync("record", "get", record, "--key", Pharmacist);
        var forbidden = await RefusedAsync("record", "get", other, "--key", Pharmacist);

        Assert.True(prescription.ExitCode == 0, prescription.ToString());
        Assert.Contains("MedicationRequest", prescription.Output);
        Assert.StartsWith("✗ access refused", forbidden);
    }

    [Fact]
    public async Task Prescriptions_ReadWithoutAPartysKey_AreRefusedInOneLineAndShowNothing()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        var patient = (await JsonAsync("keys", "show", Patient))["account"]!.GetValue<string>();

        var unsigned = await node.RunAsync("rx", "list", "--patient", patient, "--json");
        var shownUnsigned = await node.RunAsync("rx", "show", id, "--json");
        var asPharmacist = await node.RunWithKeysAsync("rx", "show", id, "--as", Pharmacist, "--json");
        var listedAsPharmacist = await node.RunWithKeysAsync("rx", "list", "--patient", Patient, "--as", Pharmacist, "--json");

        foreach (var refused in new[] { unsigned, shownUnsigned })
        {
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.StartsWith("✗ not signed:", Assert.Single(refused.ErrorLines));
            Assert.Contains("--as <KEY>", refused.Errors);
            Assert.DoesNotContain(id, refused.Output);
        }
        // Not presented to the pharmacy yet: the pharmacist may not see it (it is as if there were none), nor the patient's other prescriptions.
        Assert.True(asPharmacist.ExitCode == 1, asPharmacist.ToString());
        Assert.StartsWith($"✗ no prescription {id} that {Pharmacist} may see", Assert.Single(asPharmacist.ErrorLines));
        Assert.DoesNotContain(id, asPharmacist.Output);
        Assert.True(listedAsPharmacist.ExitCode == 1, listedAsPharmacist.ToString());
        Assert.StartsWith($"✗ access refused to {Pharmacist}:", Assert.Single(listedAsPharmacist.ErrorLines));
        Assert.DoesNotContain(id, listedAsPharmacist.Output);
        Assert.Single((await OkAsync("rx", "list", "--patient", Patient)).LinesWith(id));
    }

    [Fact]
    public async Task Dispense_WrongCode_RefusedAndNothingChanges()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        var code = await PresentAsync(id);
        var before = (await RxAsync(id)).ToJsonString();

        var refused = await RefusedAsync(Dispense(id, code == "AAAAA-AAAAA" ? "BBBBB-BBBBB" : "AAAAA-AAAAA"));

        Assert.Contains("wrong code", refused);
        Assert.Equal(before, (await RxAsync(id)).ToJsonString());
    }

    [Fact]
    public async Task Dispense_AfterCancel_Refused()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id)).ExitCode);
        var code = await PresentAsync(id);
        await OkAsync("rx", "cancel", id, "--reason", "switched to another drug", "--key", Doctor);

        var refused = await RefusedAsync(Dispense(id, code));
        var presentAgain = await RefusedAsync("rx", "present", id, "--pharmacy", Pharmacy, "--key", Patient);

        // The cancel ended the presentation, so the pharmacy no longer sees the prescription (nor why): the patient does.
        Assert.Contains($"prescription {id} is not presented to {Pharmacy}", refused);
        Assert.Contains("cancelled", presentAgain);
        Assert.Equal("cancelled", (await RxAsync(id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Adherence_CheckInsUpToTheDaysDoses_CountTowardsThePercentage()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id, quantity: 10, fills: 1, perDay: 2)).ExitCode);
        var code = await PresentAsync(id, price: 0);
        await OkAsync(Dispense(id, code, quantity: 10, charge: 0));

        await OkAsync("adherence", "check-in", id, "--key", Patient);
        var half = (await JsonAsync("adherence", "show", Patient))["prescriptions"]!.AsArray().Single(p => p!["prescription"]!.GetValue<string>() == id)!;
        await OkAsync("adherence", "check-in", id, "--key", Patient);
        var third = await RefusedAsync("adherence", "check-in", id, "--key", Patient);
        var full = (await JsonAsync("adherence", "show", Patient))["prescriptions"]!.AsArray().Single(p => p!["prescription"]!.GetValue<string>() == id)!;
        var shown = await OkAsync("adherence", "show", Patient);

        Assert.Equal(50, half["percent"]!.GetValue<long>());
        Assert.Contains("all 2 doses scheduled today are already checked in", third);
        Assert.Equal(2, full["taken"]!.GetValue<long>());
        Assert.Equal(2, full["scheduled"]!.GetValue<long>());
        Assert.Equal(100, full["percent"]!.GetValue<long>());
        Assert.Single(shown.LinesWith(id, "100%"));
    }

    [Fact]
    public async Task Present_NoFillsLeft_RefusedAndThePriceStaysWithThePatient()
    {
        await CareAsync();
        var id = NewRxId();
        Assert.Equal(0, (await IssueAsync(id, quantity: 10, fills: 1)).ExitCode);
        await OkAsync(Dispense(id, await PresentAsync(id), quantity: 10, charge: 5));
        var balance = await BalanceAsync(Patient);

        var refused = await RefusedAsync("rx", "present", id, "--pharmacy", Pharmacy, "--price", "12", "--key", Patient);

        Assert.Contains($"no fills left: all 1 fills of prescription {id} were dispensed", refused);
        Assert.Equal(balance, await BalanceAsync(Patient));
        var byPrescriber = await OkAsync("rx", "list", "--prescriber", Doctor);
        Assert.Single(byPrescriber.LinesWith(id, "0/1", "patient-jones"));
    }

    [Fact]
    public async Task Issue_UnlicensedPrescriber_RefusedBeforeAnyRecordIsAdded()
    {
        var doctor = "dr-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await CliRunner.RunAsync(DemoNodeFixture.Passphrase, "keys", "new", doctor, "--keystore", node.Keystore)).ExitCode);
        await OkAsync("member", "add", doctor, "--role", "practitioner", "--key", "clinic-admin");
        await OkAsync("record", "publish-key", "--key", doctor);
        await OkAsync("consent", "grant", "--to", doctor, "--purpose", "treatment", "--type", "MedicationRequest", "--until", "30d", "--key", Patient);
        var records = (await OkAsync("record", "list", "--patient", Patient, "--key", Patient)).Output;

        var refused = await RefusedAsync("rx", "issue", "--patient", Patient, "--medication", Lisinopril, "--dose", "one a day", "--quantity", "30",
            "--key", doctor);

        Assert.Contains("unlicensed prescriber", refused);
        Assert.Equal(records, (await OkAsync("record", "list", "--patient", Patient, "--key", Patient)).Output);
        Assert.Empty((await JsonAsync("rx", "list", "--prescriber", doctor)).AsArray());
    }

    [GeneratedRegex(@"One-time code\s+([A-Z0-9]{5}-[A-Z0-9]{5})")]
    private static partial Regex CodePattern();
}
