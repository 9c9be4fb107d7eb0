using CareLedger.Cli.Transactions;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>A services command: it talks to the node through <see cref="ServicesClient"/>, and a refusal by the contract is the one line the user reads.</summary>
public abstract class ServicesCommand<TSettings>(CliSession session) : AsyncCommand<TSettings> where TSettings : NodeSettings
{
    protected CliSession Session => session;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken ct)
    {
        using var http = settings.Connect();
        try
        {
            return await RunAsync(context, settings, new ServicesClient(Reader(settings, http, session)), ct);
        }
        catch (ServicesException e)
        {
            throw new CliException(e.Message);
        }
    }

    protected abstract Task<int> RunAsync(CommandContext context, TSettings settings, ServicesClient services, CancellationToken ct);

    // A read command reads as its --as key (or the person it reads about); a signing command reads as its signer where it must.
    internal static NodeClient Reader(TSettings settings, HttpClient http, CliSession session) =>
        settings is AccountSettings account and not SignerSettings ? account.ConnectAs(http, session) : new NodeClient(http);

    /// <summary>Unlocks the signer's key, sends the action and shows its receipt.</summary>
    protected async Task<int> SignAsync(SignerSettings settings, string what, Func<SigningKey, Task<ReceiptDto>> send)
    {
        using var key = settings.LoadKey(session);
        ReceiptView.Render(session.Out, await send(key), what);
        return ExitCodes.Ok;
    }
}

/// <summary>Options of the commands that act on one booking.</summary>
public class BookingSettings : SignerSettings
{
    [CommandArgument(0, "<BOOKING>")]
    [System.ComponentModel.Description("The booking id, as 'book' or 'booking list' printed it")]
    public string Booking { get; init; } = "";
}
