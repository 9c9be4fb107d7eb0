using CareLedger.Node.Demo;
using System.Net.Http.Headers;
using CareLedger.Ledger.Cryptography;
using CareLedger.Client.Records;
using CareLedger.Contracts.Records;
using CareLedger.Node.Fhir;
using CareLedger.Testing;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[CollectionDefinition(Name)]
public sealed class FhirCollection : ICollectionFixture<FhirNode>
{
    public const string Name = "fhir";
}

/// <summary>
/// A real in-process demo node, the demo patient's own key (patients never use the custodial
/// endpoint; they grant with RecordsClient), and Firely FhirClients pointed at /fhir acting as
/// Dr. Rivera through the demo bearer token the node wrote on first start.
/// </summary>
public sealed class FhirNode : IAsyncLifetime
{
    public InProcessNode Node { get; private set; } = null!;
    public RecordsClient Records { get; private set; } = null!;
    public SigningKey Patient { get; private set; } = null!;
    public AccountId Doctor { get; private set; }
    public AccountId Pharmacist { get; private set; }
    public string Token { get; private set; } = "";
    public Uri FhirBase => new(Node.BaseAddress, "fhir/");
    public string PatientRef => $"Patient/{Patient.Account}";

    public async Task InitializeAsync()
    {
        // One patient and one doctor do every test's reads here (sharing a grant re-reads the patient's growing list of
        // records): the per-account read limit is raised so that the tests measure FHIR, not the limiter (tested elsewhere).
        Node = await InProcessNode.StartAsync("--CareLedger:ReadsPerSecondPerAccount=2000", "--CareLedger:ReadsPerSecondPerAddress=5000");
        Records = new RecordsClient(Node.Client);
        var keys = new KeyStore(Path.Combine(Node.DataDir, "demo-keys"));
        Patient = keys.Load("patient-jones", "demo");
        Doctor = keys.Show(DemoFhirAccess.Practitioner).Account;
        Pharmacist = keys.Show("pharmacist-chen").Account;
        Token = (await File.ReadAllTextAsync(Path.Combine(Node.DataDir, DemoFhirAccess.TokenFileName))).Trim();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Node.Store.Get($"records/key/{Patient.Account}") is null || Node.Store.Get($"records/key/{Doctor}") is null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("demo keys were not published");
            await Task.Delay(50);
        }
    }

    /// <summary>A stock Firely client; with the demo token unless told otherwise.</summary>
    public FhirClient Client(string? token = null, bool anonymous = false)
    {
        var client = new FhirClient(FhirBase, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
        if (!anonymous) client.RequestHeaders!.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return client;
    }

    /// <summary>A plain HttpClient at /fhir/ with the demo token: for the headers Firely's client sets or reads on its own.</summary>
    public HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = FhirBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return http;
    }

    /// <summary>How many records the patient has on the ledger: a refused write must leave it unchanged.</summary>
    public int PatientRecordCount() => Node.Ledger.State.Scan($"{RecordsContract.PatientIndexPrefix}{Patient.Account}/").Count();

    /// <summary>The patient, with their own key, grants Dr. Rivera access to records of these types.</summary>
    public Task<string> GrantDoctorAsync(string purpose, params string[] types) =>
        Records.GrantAsync(Patient, Doctor.ToString(), null, purpose, [], types, DateTimeOffset.UtcNow.AddDays(1));

    public Observation Observation(string code = "8867-4", decimal value = 72, string date = "2026-11-20") => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept("http://loinc.org", code),
        Subject = new ResourceReference(PatientRef),
        Effective = new FhirDateTime(date),
        Value = new Quantity(value, "/min"),
    };

    public async Task DisposeAsync()
    {
        Patient?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
    }
}
