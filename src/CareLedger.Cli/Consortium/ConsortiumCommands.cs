using Spectre.Console.Cli;

namespace CareLedger.Cli.Consortium;

/// <summary>The consortium commands: consortium status, validators, propose-join, propose-leave and approve.</summary>
public static class ConsortiumCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("consortium", consortium =>
        {
            consortium.SetDescription("Watch the consortium of nodes that orders blocks, and vote on its validators");
            consortium.AddCommand<ConsortiumStatusCommand>("status").WithDescription("Show the leader, heights and every member's lag; exits 3 when the node has halted")
                .WithExample("consortium", "status", "--node", "http://127.0.0.1:5081");
            consortium.AddCommand<ConsortiumValidatorsCommand>("validators").WithDescription("List the validators on the ledger: account and organisation");
            consortium.AddCommand<ConsortiumProposeJoinCommand>("propose-join").WithDescription("Propose that an organisation's node join the validators (admins of validating organisations)")
                .WithExample("consortium", "propose-join", "harbour-lab", "--from-node", "http://lab.example:5080", "--kind", "laboratory", "--key", "clinic-admin");
            consortium.AddCommand<ConsortiumProposeLeaveCommand>("propose-leave").WithDescription("Propose that a validator leave (admins of validating organisations)");
            consortium.AddCommand<ConsortiumApproveCommand>("approve").WithDescription("Approve a proposal for your organisation; it applies once a majority of validating organisations approved")
                .WithExample("consortium", "approve", "<proposal>", "--key", "pharmacy-admin");
        });
    }
}
