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
using CareLedger.Cli.Tokens;
using CareLedger.Cli.Transactions;
using Spectre.Console.Cli;

namespace CareLedger.Cli;

/// <summary>The <c>careledger</c> command tree. Every failure ends as one red line on stderr and a non-zero exit code.</summary>
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

            config.AddBranch("keys", keys =>
            {
                keys.SetDescription("Create and inspect signing keys in the encrypted keystore");
                keys.AddCommand<KeysNewCommand>("new").WithDescription("Create a key under a passphrase").WithExample("keys", "new", "dr-lee");
                keys.AddCommand<KeysListCommand>("list").WithDescription("List the keys in the keystore");
                keys.AddCommand<KeysShowCommand>("show").WithDescription("Show a key's account id, public key and creation time");
            });
            config.AddBranch("tx", tx =>
            {
                tx.SetDescription("Send any contract action, and follow transactions");
                tx.AddCommand<TxSendCommand>("send").WithDescription("Sign and send a contract action with JSON arguments")
                    .WithExample("tx", "send", "--contract", "tokens", "--action", "transfer", "--args", "'{\"asset\":\"CARE\",\"to\":\"<account>\",\"amount\":5}'", "--key", "patient-jones");
                tx.AddCommand<TxStatusCommand>("status").WithDescription("Show a transaction's receipt");
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
            config.AddBranch("member", member =>
            {
                member.SetDescription("Manage your organisation's members");
                member.AddCommand<MemberAddCommand>("add").WithDescription("Register an account in the signing admin's organisation")
                    .WithExample("member", "add", "dr-lee", "--role", "practitioner", "--name", "\"Dr. Lee\"", "--key", "clinic-admin");
            });
            config.AddBranch("licence", licence =>
            {
                licence.SetDescription("Issue, revoke and verify practitioner licences");
                licence.AddCommand<LicenceIssueCommand>("issue").WithDescription("Issue or renew a licence (licensing authority admins)")
                    .WithExample("licence", "issue", "dr-lee", "--specialty", "cardiology", "--jurisdiction", "EU-DEMO", "--valid-until", "2027-12-31", "--key", "board-admin");
                licence.AddCommand<LicenceRevokeCommand>("revoke").WithDescription("Revoke a licence (licensing authority admins)");
                licence.AddCommand<LicenceVerifyCommand>("verify").WithDescription("Check a licence, now or --at a time; exits 2 when it does not hold")
                    .WithExample("licence", "verify", "dr-lee");
            });
            config.AddBranch("tokens", tokens =>
            {
                tokens.SetDescription("Mint, transfer and look up balances");
                tokens.AddCommand<TokensMintCommand>("mint").WithDescription("Mint units of an asset (admins of its issuer)");
                tokens.AddCommand<TokensTransferCommand>("transfer").WithDescription("Transfer units from the signer's balance")
                    .WithExample("tokens", "transfer", "--asset", "CARE", "--to", "dr-rivera", "--amount", "25", "--key", "patient-jones");
                tokens.AddCommand<TokensBalanceCommand>("balance").WithDescription("Show an account's balance");
            });
            config.AddBranch("record", record =>
            {
                record.SetDescription("Patient records: FHIR resources encrypted on this machine, readable under the patient's consent");
                record.AddCommand<RecordPublishKeyCommand>("publish-key").WithDescription("Publish your key, so that patients can share records with you")
                    .WithExample("record", "publish-key", "--key", "dr-lee");
                record.AddCommand<RecordAddCommand>("add").WithDescription("Add a FHIR resource as a new record of a patient")
                    .WithExample("record", "add", "--patient", "patient-jones", "--file", "observation.json", "--key", "patient-jones");
                record.AddCommand<RecordUpdateCommand>("update").WithDescription("Add a new version of a record")
                    .WithExample("record", "update", "<record-id>", "--file", "observation.json", "--key", "patient-jones");
                record.AddCommand<RecordGetCommand>("get").WithDescription("Read and decrypt a record (every read is logged for the patient)")
                    .WithExample("record", "get", "<record-id>", "--out", "observation.json", "--key", "dr-rivera")
                    .WithExample("record", "get", "<record-id>", "--break-glass", "\"unconscious in the emergency room\"", "--key", "dr-rivera");
                record.AddCommand<RecordListCommand>("list").WithDescription("List a patient's records that you may read");
                record.AddCommand<RecordHistoryCommand>("history").WithDescription("Show a record's versions");
                record.AddCommand<RecordEraseCommand>("erase").WithDescription("Erase a record on every node for good (the patient only)");
            });
            config.AddBranch("consent", consent =>
            {
                consent.SetDescription("Grant and withdraw access to your records");
                consent.AddCommand<ConsentGrantCommand>("grant").WithDescription("Let an account or organisation read records for a purpose, until a time")
                    .WithExample("consent", "grant", "--to", "dr-rivera", "--purpose", "treatment", "--type", "Observation", "--until", "30d", "--key", "patient-jones");
                consent.AddCommand<ConsentRevokeCommand>("revoke").WithDescription("Withdraw a grant").WithExample("consent", "revoke", "<grant-id>", "--key", "patient-jones");
                consent.AddCommand<ConsentListCommand>("list").WithDescription("List a patient's grants: active, expired or revoked")
                    .WithExample("consent", "list", "--patient", "patient-jones");
            });
            config.AddCommand<AccessLogCommand>("access-log").WithDescription("Who read your records, when and why, as logged on the ledger")
                .WithExample("access-log", "--key", "patient-jones", "--proofs", "receipts");
            ServicesCommands.Register(config);
            PrescriptionsCommands.Register(config);
            config.AddBranch("chain", chain =>
            {
                chain.SetDescription("Verify the whole chain independently");
                chain.AddCommand<ChainVerifyCommand>("verify").WithDescription("Replay every block from genesis; exits 2 at the first bad block")
                    .WithExample("chain", "verify", "--data", "./data");
            });
            config.AddBranch("proof", proof =>
            {
                proof.SetDescription("Merkle receipts that anyone can check offline");
                proof.AddCommand<ProofGetCommand>("get").WithDescription("Fetch a transaction's proof").WithExample("proof", "get", "<tx-id>", "--out", "receipt.json");
                proof.AddCommand<ProofVerifyCommand>("verify").WithDescription("Check a proof file offline; exits 2 when it fails")
                    .WithExample("proof", "verify", "receipt.json", "--genesis", "data/genesis.json");
            });
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
        });
        return app.RunAsync(args, ct);
    }
}
