using Spectre.Console.Cli;

namespace CareLedger.Cli.Proofs;

/// <summary>The receipt commands: proof get and verify.</summary>
public static class ProofCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("proof", proof =>
        {
            proof.SetDescription("Merkle receipts that anyone can check offline");
            proof.AddCommand<ProofGetCommand>("get").WithDescription("Fetch a transaction's proof").WithExample("proof", "get", "<tx-id>", "--out", "receipt.json");
            proof.AddCommand<ProofVerifyCommand>("verify").WithDescription("Check a proof file offline; exits 2 when it fails")
                .WithExample("proof", "verify", "receipt.json", "--genesis", "data/genesis.json");
        });
    }
}
