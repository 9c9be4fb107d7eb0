using CareLedger.Vault.Records;
using System.Net;
using CareLedger.Client.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Records.Tests;

/// <summary>Every records, consent and access-log endpoint against every role: each unauthorised cell denied, each authorised cell allowed.</summary>
public class AccessMatrixTests(AccessMatrixFixture fx) : IClassFixture<AccessMatrixFixture>
{
    public static readonly string[] AllRoles =
        ["patient A (owner)", "patient B", "doctor with grant", "doctor without grant", "doctor, expired grant", "doctor, revoked grant", "pharmacist", "organisation admin", "anonymous"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["read record"] = ["patient A (owner)", "doctor with grant"],
        ["record history"] = ["patient A (owner)", "doctor with grant"],
        ["list patient's records"] = ["patient A (owner)", "doctor with grant"],
        ["access log"] = ["patient A (owner)"],
        ["upload version content"] = ["patient A (owner)"],
        ["upload grant keys"] = ["patient A (owner)"],
        ["grant consent on A's record"] = ["patient A (owner)"],
        ["revoke A's grant"] = ["patient A (owner)"],
    };

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Allowed.Keys)
            foreach (var role in AllRoles) data.Add(endpoint, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Endpoint_ForRole_IsAllowedOnlyWhenAuthorised(string endpoint, string role)
    {
        var caller = fx.Roles[role];
        var expected = Allowed[endpoint].Contains(role);

        var allowed = endpoint switch
        {
            "grant consent on A's record" => await TransactionAsync(caller, "grant", new CborMap
            {
                ["grant"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                ["grantee"] = fx.GrantTarget.Account.ToString(), ["purpose"] = "treatment",
                ["records"] = new List<object> { fx.Record }, ["expiry"] = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(),
            }),
            "revoke A's grant" => await RevokeAsync(caller),
            _ => IsSuccess(await HttpAsync(caller, endpoint)),
        };

        Assert.True(expected == allowed, $"{role} on '{endpoint}': expected {(expected ? "allowed" : "denied")}");
    }

    private async Task<HttpStatusCode> HttpAsync(SigningKey? caller, string endpoint)
    {
        var a = fx.PatientA.Account;
        var (method, path, body) = endpoint switch
        {
            "read record" => ("GET", $"/v1/records/{fx.Record}", null),
            "record history" => ("GET", $"/v1/records/{fx.Record}/history", null),
            "list patient's records" => ("GET", $"/v1/records?patient={a}", null),
            "access log" => ("GET", $"/v1/records/access-log?patient={a}", null),
            "upload version content" => ("POST", $"/v1/records/{fx.Record}/versions/1/content", (object)await ValidUploadAsync()),
            "upload grant keys" => ("POST", $"/v1/records/grants/{fx.GrantToDoctor}/keys", DoctorGrantKeys()),
            _ => throw new ArgumentException(endpoint),
        };
        using var request = caller is null
            ? new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'))
            : method == "GET" ? await SignedHttp.Get(caller, fx.People.Node.Audience, path) : await SignedHttp.Post(caller, fx.People.Node.Audience, path, body);
        using var response = await fx.People.Node.Client.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return response.StatusCode;
    }

    /// <summary>A byte-exact copy of what the author uploaded: only the author may send it again.</summary>
    private async Task<RecordContentUpload> ValidUploadAsync()
    {
        var meta = (await fx.People.Records.HistoryAsync(fx.PatientA, fx.Record)).Versions[0];
        var blob = fx.People.Node.Vault.GetBlob(fx.Record, Hash256.Parse(meta.ContentHash))!;
        var keys = new Vault.Crypto.WrappedKeySet();
        foreach (var account in new[] { fx.PatientA.Account }.Concat(ServiceAccounts()))
            keys.Add(account.ToString(), fx.People.Node.Vault.GetKey(fx.Record, account)!);
        Assert.Equal(meta.KeysHash, keys.Hash().ToString());
        return new RecordContentUpload(Convert.ToBase64String(blob), Convert.ToBase64String(keys.Encode()));
    }

    /// <summary>The exact key set patient A's grant to the doctor committed to.</summary>
    private GrantKeysUpload DoctorGrantKeys()
    {
        var keys = new Vault.Crypto.WrappedKeySet();
        keys.Add($"{fx.Record}/{fx.People.Doctor.Account}", fx.People.Node.Vault.GetKey(fx.Record, fx.People.Doctor.Account)!);
        return new GrantKeysUpload(fx.PatientA.Account.ToString(), Convert.ToBase64String(keys.Encode()));
    }

    private IEnumerable<AccountId> ServiceAccounts() => [fx.People.Node.Keys.Validator.Account];

    private async Task<bool> TransactionAsync(SigningKey? caller, string action, CborMap args)
    {
        if (caller is null) return false;
        var sent = await fx.People.Node.Client.SendAsync(caller, "records", action, args);
        return sent.Receipt?.Valid == true;
    }

    private async Task<bool> RevokeAsync(SigningKey? caller)
    {
        if (caller is null) return false;
        var grant = caller == fx.PatientA
            ? await fx.People.Records.GrantAsync(fx.PatientA, fx.GrantTarget.Account.ToString(), null, "treatment", [fx.Record], [], DateTimeOffset.UtcNow.AddDays(1))
            : fx.GrantToDoctor;
        return await TransactionAsync(caller, "revoke", new CborMap { ["grant"] = grant });
    }

    private static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;
}
