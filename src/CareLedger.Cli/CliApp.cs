using CareLedger.Cli.Chain;
using CareLedger.Cli.Consent;
using CareLedger.Cli.Consortium;
using CareLedger.Cli.Keys;
using CareLedger.Cli.Licensing;
using CareLedger.Cli.Membership;
using CareLedger.Cli.Prescriptions;
using CareLedger.Cli.Proofs;
using CareLedger.Cli.Records;
using CareLedger.Cli.Services;
using CareLedger.Cli.Store;
using CareLedger.Cli.Tokens;
using CareLedger.Cli.Transactions;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>The <c>careledger</c> command tree: each feature folder registers its own branches. Every failure ends as one red line on stderr and a non-zero exit code.</summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliSession.ForProcess());

    public static Task<int> RunAsync(string[] args, CliSession session, CancellationToken ct = default)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("careledger");
            config.ConfigureConsole(session.Out);
            config.Settings.Registrar.RegisterInstance(session);
            config.SetExceptionHandler((e, _) => session.Fail(e));
            config.Settings.MaximumIndirectExamples = 6;
            KeysCommands.Register(config);
            TransactionsCommands.Register(config);
            MembershipCommands.Register(config);
            LicensingCommands.Register(config);
            TokensCommands.Register(config);
            RecordsCommands.Register(config);
            ConsentCommands.Register(config);
            ServicesCommands.Register(config);
            PrescriptionsCommands.Register(config);
            ChainCommands.Register(config);
            ProofCommands.Register(config);
            ConsortiumCommands.Register(config);
            StoreCommands.Register(config);
            Fhir.FhirCommands.Register(config);
        });
        return app.RunAsync(args, ct);
    }
}
