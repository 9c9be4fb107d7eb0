using CareLedger.Ledger.Cryptography;
using CareLedger.Node.Chain;
using CareLedger.Node.Fhir;

namespace CareLedger.Node.Demo;

/// <summary>
/// On a demo node's first start, puts the demo doctor's key into the custodial store and writes a
/// bearer token for it to &lt;DataDir&gt;/demo-fhir-token.txt (mode 0600), so a newcomer can point
/// a FHIR client at /fhir straight away. Runs before the node listens.
/// </summary>
public sealed class DemoFhirAccess(NodeStart start, NodeKeys keys, CustodialKeys custody, ILogger<DemoFhirAccess> log) : IHostedService
{
    public const string Practitioner = "dr-rivera";
    public const string TokenFileName = "demo-fhir-token.txt";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tokenPath = Path.Combine(start.DataDir, TokenFileName);
        if (File.Exists(tokenPath) || !Directory.Exists(Path.Combine(start.DataDir, DemoConsortium.KeyFolderName))) return Task.CompletedTask;
        try
        {
            if (!keys.Custodial.List().Any(k => k.Name == Practitioner))
            {
                using var key = DemoConsortium.LoadKey(start.DataDir, Practitioner);
                keys.SaveCustodial(Practitioner, key);
            }
            var token = custody.IssueToken(Practitioner);
            var temp = tokenPath + ".tmp";
            File.Delete(temp);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new StreamWriter(temp, options)) file.WriteLine(token);
            File.Move(temp, tokenPath);
            log.LogInformation("Demo FHIR access: a bearer token for {Practitioner} is in {TokenFile}", Practitioner, tokenPath);
        }
        catch (KeyStoreException e)
        {
            log.LogWarning("No demo FHIR access: {Reason}", e.Message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
