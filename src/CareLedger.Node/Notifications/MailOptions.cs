using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace CareLedger.Node.Notifications;

/// <summary>
/// Where the node sends e-mail (<c>CareLedger:Mail</c>). Off while <see cref="Host"/> is empty: preferences can still be
/// set, nothing is sent. A local test server needs no TLS; <see cref="Security"/> defaults to STARTTLS when offered.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "CareLedger:Mail";

    /// <summary>The SMTP server; empty (the default) sends nothing.</summary>
    public string Host { get; set; } = "";

    [Range(1, 65535)] public int Port { get; set; } = 25;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's <see cref="SecureSocketOptions"/>).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    /// <summary>Optional SMTP login; the password comes from <see cref="PasswordFile"/>, never from settings in clear.</summary>
    public string? User { get; set; }
    public string? PasswordFile { get; set; }

    [Required, EmailAddress] public string From { get; set; } = "careledger@localhost";

    /// <summary>The portal's address as people reach it, for the links in mails (the node serves it under /portal/).</summary>
    [Required, Url] public string PortalUrl { get; set; } = "http://localhost:5080/portal/";

    /// <summary>How often the reminder index is looked at for bookings whose reminder is due.</summary>
    [Range(1, 3600)] public int ReminderCheckSeconds { get; set; } = 30;

    /// <summary>The longest wait between attempts while the SMTP server fails (the first is one second, doubling).</summary>
    [Range(1, 3600)] public int MaxRetrySeconds { get; set; } = 300;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}
