using CareLedger.Node.Demo;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace CareLedger.Fhir.Tests;

[Collection(FhirCollection.Name)]
public class AuthenticationTests(FhirNode fhir)
{
    [Fact]
    public async Task Search_WithoutToken_Is401WithOperationOutcome()
    {
        using var client = fhir.Client(anonymous: true);
        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<Observation>([$"patient={fhir.Patient.Account}"]));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
        Assert.Equal(OperationOutcome.IssueType.Login, e.Outcome!.Issue.Single().Code);
        Assert.Contains("Bearer", Issues.Text(e));
    }

    [Fact]
    public async Task Read_WithUnknownToken_Is401()
    {
        using var client = fhir.Client(token: fhir.Token + "x");
        var e = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Observation>("Observation/00000000000000000000000000000000"));
        Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void DemoToken_IsPrivateToItsOwner_AndStoredOnlyAsItsHash()
    {
        var tokenFile = Path.Combine(fhir.Node.DataDir, DemoFhirAccess.TokenFileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));

        var tokens = File.ReadAllText(Path.Combine(fhir.Node.DataDir, "custodial", CustodialKeys.TokensFileName));
        Assert.DoesNotContain(fhir.Token, tokens);
        Assert.Contains($"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fhir.Token)))}\": \"dr-rivera\"", tokens);
    }

    [Fact]
    public void CustodialKey_IsEncryptedUnderTheNodePassphrase_NotTheDemoOne()
    {
        var custodial = new KeyStore(Path.Combine(fhir.Node.DataDir, "custodial"));
        Assert.Throws<KeyStoreException>(() => custodial.Load(DemoFhirAccess.Practitioner, "demo"));
        using var key = custodial.Load(DemoFhirAccess.Practitioner, "test-node-passphrase");
        Assert.Equal(fhir.Doctor, key.Account);
    }
}
