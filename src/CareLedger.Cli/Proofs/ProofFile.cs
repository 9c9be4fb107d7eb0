using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;

namespace CareLedger.Cli.Proofs;

/// <summary>A Merkle receipt as the file that 'careledger proof verify' reads.</summary>
public static class ProofFile
{
    public static Task WriteAsync(string path, ProofDto proof, CancellationToken ct) =>
        File.WriteAllTextAsync(path, CliSession.ToJson(proof) + Environment.NewLine, ct);
}
