using Spectre.Console.Cli;

namespace CareLedger.Cli.Chain;

/// <summary>The chain commands: chain verify, block show and state get.</summary>
public static class ChainCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("chain", chain =>
        {
            chain.SetDescription("Verify the whole chain independently");
            chain.AddCommand<ChainVerifyCommand>("verify").WithDescription("Replay every block from genesis; exits 2 at the first bad block")
                .WithExample("chain", "verify", "--data", "./data");
        });
        config.AddBranch("block", block =>
        {
            block.SetDescription("Read blocks");
            block.AddCommand<BlockShowCommand>("show").WithDescription("Show a block by height, hash or 'latest'").WithExample("block", "show", "latest");
        });
        config.AddBranch("state", state =>
        {
            state.SetDescription("Read the world state");
            state.AddCommand<StateGetCommand>("get").WithDescription("Print one state entry as JSON").WithExample("state", "get", "tokens/asset/CARE");
        });
    }
}
