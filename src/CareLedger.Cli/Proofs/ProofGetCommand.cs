using System.ComponentModel;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Ledger.Cryptography;
using Spectre.Console;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Proofs;

/// <summary>Fetches a transaction's Merkle receipt as a file that anyone can verify offline.</summary>
public sealed class ProofGetCommand(CliSession session) : AsyncCommand<ProofGetCommand.Settings>
{
    public sealed class Settings : AccountSettings
    {
        [CommandArgument(0, "<TX-ID>")]
        [Description("The committed transaction (64 hex characters)")]
        public string TxId { get; init; } = "";

        [CommandOption("--final")]
        [Description("Wait (up to 10 s) until a majority of validators has signed the block: the proof then verifies with the default quorum")]
        public bool Final { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Write the proof to this file instead of printing it")]
        public string? Out { get; init; }

        public override ValidationResult Validate() =>
            Hash256.TryParse(TxId, out _) ? base.Validate() : ValidationResult.Error($"'{TxId}' is not a transaction id (64 hex characters)");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        var client = settings.ConnectAs(http, session);
        var proof = settings.Final ? await client.GetFinalProofAsync(settings.TxId, 10, ct) : await client.GetProofAsync(settings.TxId, ct);
        if (settings.Out is null)
        {
            session.WriteJson(proof);
            return ExitCodes.Ok;
        }
        await ProofFile.WriteAsync(settings.Out, proof, ct);
        session.Success($"proof that transaction {proof.TxId} is in block {proof.Height} written to {settings.Out}");
        session.Out.MarkupLineInterpolated($"  check it offline with [bold]careledger proof verify {settings.Out} --genesis <genesis.json>[/]");
        return ExitCodes.Ok;
    }
}
