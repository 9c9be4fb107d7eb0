using CareLedger.Cli.Transactions;
using CareLedger.Client.Records;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Records;

/// <summary>Publishes the signer's public key on the ledger, so that patients can share records with them.</summary>
public sealed class RecordPublishKeyCommand(CliSession session) : AsyncCommand<SignerSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, SignerSettings settings, CancellationToken ct) =>
        Submission.SendAsync(session, settings, "records.publish-key", (node, key) => new RecordsClient(node).PublishKeyAsync(key, ct));
}
