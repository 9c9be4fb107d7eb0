using Spectre.Console.Cli;

namespace CareLedger.Cli.Transactions;

/// <summary>The raw transaction commands: tx send and status.</summary>
public static class TransactionsCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("tx", tx =>
        {
            tx.SetDescription("Send any contract action, and follow transactions");
            tx.AddCommand<TxSendCommand>("send").WithDescription("Sign and send a contract action with JSON arguments")
                .WithExample("tx", "send", "--contract", "tokens", "--action", "transfer", "--args", "'{\"asset\":\"CARE\",\"to\":\"<account>\",\"amount\":5}'", "--key", "patient-jones");
            tx.AddCommand<TxStatusCommand>("status").WithDescription("Show a transaction's receipt");
        });
    }
}
