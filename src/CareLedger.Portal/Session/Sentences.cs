using System.Net;
using System.Text.RegularExpressions;
using CareLedger.Client.Api;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Services;
using CareLedger.Portal.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;

namespace CareLedger.Portal.Session;

/// <summary>What a person reads when something fails: one clear sentence, never a stack trace or a raw problem document.</summary>
public static class Sentences
{
    public static string Of(Exception e) => e switch
    {
        NodeApiException { Status: HttpStatusCode.TooManyRequests } => "The node is busy; try again in a moment.",
        NodeApiException { Detail: { Length: > 0 } detail } => Sentence(detail),
        NodeApiException api => Sentence(api.Title),
        ContractActionException { Pending: true } => "The ledger has not confirmed this yet; check again in a moment.",
        ContractActionException refused => Sentence(refused.Refusal?.Reason ?? "the ledger refused it"),
        ServicesException refused => Sentence(WithDates(refused.Reason)),
        // Its reason alone: the message's "prescriptions.dispense refused: … (transaction …)" is for logs, not for a person.
        PrescriptionException refused => Sentence(WithDates(refused.Reason)),
        RecordException or VaultCryptoException or SignInException or KeyStoreException or CareLedger.Client.Live.LiveRefusedException => Sentence(e.Message),
        HttpRequestException => "The node cannot be reached; check your connection and try again.",
        TaskCanceledException => "The node took too long to answer; try again.",
        _ => "Something went wrong on this page; nothing was changed. Try again, or reload the page.",
    };

    /// <summary>
    /// The services contract names bookings by id and times in Unix milliseconds; a person reads "this consultation" and dates.
    /// </summary>
    private static string WithDates(string text)
    {
        var wrong = Regex.Match(text, "^booking \\S+ is (?<now>[a-z-]+); only a booking that is (?<allowed>.+) can be (?<doing>[a-z]+)$");
        if (wrong.Success)
            return $"This consultation is already {wrong.Groups["now"].Value.Replace('-', ' ')}; it can be {wrong.Groups["doing"].Value} only while {wrong.Groups["allowed"].Value.Replace('-', ' ')}";
        return Regex.Replace(text, @"\b1\d{12}\b", m => Dates.Show(long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static string Sentence(string text)
    {
        text = text.Trim();
        if (text.Length == 0) return "The node refused this.";
        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }
}
