using System.Threading.Channels;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CareLedger.Node.Notifications;

/// <summary>
/// Sends letters one by one over SMTP (MailKit), each to the address its member has set at the moment it goes out. A
/// failing server is logged once per failed attempt (with the account, never the address) and retried with a doubling
/// wait; a recipient the server refuses for good (5xx) is dropped. Letters queue here, never in front of the blocks.
/// </summary>
public sealed class MailOutbox(IOptions<MailOptions> options, Lazy<PreferenceStore> preferences, ILogger<MailOutbox> log)
{
    private readonly Channel<Letter> _letters = Channel.CreateBounded<Letter>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly MailOptions _mail = options.Value;

    public bool Post(Letter letter) => _letters.Writer.TryWrite(letter);

    public async Task RunAsync(CancellationToken ct)
    {
        await foreach (var letter in _letters.Reader.ReadAllAsync(ct))
        {
            var delay = TimeSpan.FromSeconds(1);
            while (true)
            {
                try
                {
                    var chosen = preferences.Value.Get(letter.To);
                    if (!letter.Wanted(chosen)) break;
                    await SendAsync(chosen.Email!, letter, ct);
                    if (letter is { Kind: LetterKind.Reminder, Booking: { } booking }) preferences.Value.MarkReminded(booking, letter.To);
                    break;
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode >= 500 && e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
                {
                    log.LogWarning("The mail server refused the address of {Account} for good ({Status}); the {Kind} mail is dropped", letter.To, (int)e.StatusCode, letter.Kind);
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogWarning("A {Kind} mail to {Account} could not be sent ({Error}); next attempt in {Delay}", letter.Kind, letter.To, Describe(e), delay);
                    await Task.Delay(delay, ct);
                    delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, _mail.MaxRetrySeconds));
                }
            }
        }
    }

    /// <summary>What went wrong, without the server's own words for SMTP refusals (they often repeat the address).</summary>
    private static string Describe(Exception e) => e is SmtpCommandException c ? $"SMTP {(int)c.StatusCode} {c.ErrorCode}" : $"{e.GetType().Name}: {e.Message}";

    private async Task SendAsync(string address, Letter letter, CancellationToken ct)
    {
        var message = new MimeMessage { Subject = "CareLedger: " + letter.Subject, Body = new TextPart("plain") { Text = letter.Body } };
        message.From.Add(MailboxAddress.Parse(_mail.From));
        message.To.Add(MailboxAddress.Parse(address));
        using var smtp = new SmtpClient { Timeout = 30_000 };
        await smtp.ConnectAsync(_mail.Host, _mail.Port, _mail.Security, ct);
        if (!string.IsNullOrEmpty(_mail.User))
            await smtp.AuthenticateAsync(_mail.User, _mail.PasswordFile is { } file ? (await File.ReadAllTextAsync(file, ct)).Trim() : "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(true, ct);
    }
}
