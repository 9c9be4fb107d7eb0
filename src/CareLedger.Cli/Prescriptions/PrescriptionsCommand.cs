using CareLedger.Cli.Services;
using System.ComponentModel;
using CareLedger.Cli.Transactions;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Prescriptions;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Prescriptions;

/// <summary>A prescriptions command: it talks to the node through <see cref="PrescriptionsClient"/>, and a refusal is the one line the user reads.</summary>
public abstract class PrescriptionsCommand<TSettings>(CliSession session) : AsyncCommand<TSettings> where TSettings : NodeSettings
{
    protected CliSession Session => session;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        try
        {
            return await RunAsync(settings, new PrescriptionsClient(ServicesCommand<TSettings>.Reader(settings, http, session)), ct);
        }
        catch (PrescriptionException e)
        {
            throw new CliException(e.Message);
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, PrescriptionsClient prescriptions, CancellationToken ct);

    /// <summary>Unlocks the signer's key, sends the action and shows its receipt.</summary>
    protected async Task<int> SignAsync(SignerSettings settings, string what, Func<SigningKey, Task<ReceiptDto>> send)
    {
        using var key = settings.LoadKey(session);
        ReceiptView.Render(session.Out, await send(key), what);
        return ExitCodes.Ok;
    }
}

/// <summary>Options of the commands that act on one prescription.</summary>
public class PrescriptionSettings : SignerSettings
{
    [CommandArgument(0, "<PRESCRIPTION>")]
    [Description("The prescription id, as 'rx issue' or 'rx list' printed it")]
    public string Prescription { get; init; } = "";
}
