using CareLedger.Ledger.Wire;
using CareLedger.Client.Services;
using CareLedger.Ledger.Cryptography;
using Spectre.Console.Cli;

namespace CareLedger.Cli.Services;

/// <summary>
/// A signed step on a booking that needs nothing but its id. Each registration names its step
/// with <c>WithData</c>: accept, cancel, start, end, acknowledge.
/// </summary>
public sealed class BookingStepCommand(CliSession session) : ServicesCommand<BookingSettings>(session)
{
    public sealed record Step(string Action, Func<ServicesClient, SigningKey, string, CancellationToken, Task<ReceiptDto>> Send);

    public static readonly Step Accept = new("accept", (s, key, id, ct) => s.AcceptAsync(key, id, ct));
    public static readonly Step Cancel = new("cancel", (s, key, id, ct) => s.CancelAsync(key, id, ct));
    public static readonly Step Start = new("start-consultation", (s, key, id, ct) => s.StartConsultationAsync(key, id, ct));
    public static readonly Step End = new("end-consultation", (s, key, id, ct) => s.EndConsultationAsync(key, id, ct));
    public static readonly Step Acknowledge = new("acknowledge", (s, key, id, ct) => s.AcknowledgeAsync(key, id, ct));

    protected override Task<int> RunAsync(CommandContext context, BookingSettings settings, ServicesClient services, CancellationToken ct)
    {
        var step = context.Data as Step ?? throw new InvalidOperationException($"command '{context.Name}' was registered without its step");
        return SignAsync(settings, $"services.{step.Action}", key => step.Send(services, key, settings.Booking, ct));
    }
}
