using CareLedger.Node.Api;
using CareLedger.Node.Chain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareLedger.Node.Demo;

/// <summary>
/// The demo's ready-made identities, for the portal's "try it as…" buttons: each participant's key file, exactly as the
/// CLI keeps it, still encrypted under the published passphrase "demo". Demo personas and demo keys only: they are
/// published on purpose, so anyone who reaches a demo node can act as them. A node that runs no demo answers 404.
/// </summary>
public static class DemoIdentitiesApi
{
    public sealed record DemoIdentity(string KeyName, string Name, string Role, string Organisation, string Account, string KeyFile);

    public static void MapDemoIdentitiesApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/demo/identities", Identities).AllowAnonymous().WithTags("Demo")
            .WithSummary("The demo's personas and their key files (passphrase \"demo\"); 404 on a node that runs no demo")
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static Results<Ok<List<DemoIdentity>>, ProblemHttpResult> Identities(NodeStart start)
    {
        var folder = Path.Combine(start.DataDir, DemoConsortium.KeyFolderName);
        if (!start.Demo || !Directory.Exists(folder)) return Problems.NotFound("No demo here", "This node runs a real chain, not the demo: sign in with your own key.");
        var identities = new List<DemoIdentity>();
        foreach (var p in DemoConsortium.Participants)
        {
            var path = Path.Combine(folder, p.KeyName + ".key.json");
            if (!File.Exists(path)) continue;
            var file = File.ReadAllText(path);
            var account = System.Text.Json.Nodes.JsonNode.Parse(file)?["account"]?.GetValue<string>() ?? "";
            identities.Add(new DemoIdentity(p.KeyName, p.Name, p.Role, p.Organisation, account, file));
        }
        return TypedResults.Ok(identities);
    }
}
