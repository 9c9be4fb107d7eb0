using System.Net;
using System.Text.RegularExpressions;
using CareLedger.Client.Api;
using CareLedger.Client.Prescriptions;
using CareLedger.Client.Services;
using CareLedger.Portal.Records;
using CareLedger.Ledger.Cryptography;
using CareLedger.Vault.Crypto;
using CareLedger.Vault.Records;
using Microsoft.Extensions.Localization;

namespace CareLedger.Portal.Session;

/// <summary>
/// What a person reads when something fails: one clear sentence, never a stack trace or a raw problem document. In the
/// person's language with the page's <c>L</c>; a refusal's reason from the node or the ledger is shown as it came (English),
/// with its dates in the person's culture. <see cref="Of(Exception)"/> gives English, which Problem.razor translates
/// when it is one of the sentences here.
/// </summary>
public static class Sentences
{
    public static string Of(Exception e) => Of(e, EnglishWords.Instance);

    public static string Of(Exception e, IStringLocalizer L) => e switch
    {
        NodeApiException { Status: HttpStatusCode.TooManyRequests } => L["The node is busy; try again in a moment."],
        NodeApiException { Detail: { Length: > 0 } detail } => Sentence(detail, L),
        NodeApiException api => Sentence(api.Title, L),
        ContractActionException { Pending: true } => L["The ledger has not confirmed this yet; check again in a moment."],
        ContractActionException refused => refused.Refusal?.Reason is { } reason ? Sentence(reason, L) : L["The ledger refused it."],
        ServicesException refused => WrongStatus(refused.Reason, L) ?? Sentence(WithDates(refused.Reason), L),
        // Its reason alone: the message's "prescriptions.dispense refused: … (transaction …)" is for logs, not for a person.
        PrescriptionException refused => Sentence(WithDates(refused.Reason), L),
        KeyStoreException refused => KeyStore(refused.Message, L) ?? Sentence(refused.Message, L),
        RecordException or VaultCryptoException or SignInException or CareLedger.Client.Live.LiveRefusedException => Sentence(e.Message, L),
        HttpRequestException => L["The node cannot be reached; check your connection and try again."],
        TaskCanceledException => L["The node took too long to answer; try again."],
        _ => L["Something went wrong on this page; nothing was changed. Try again, or reload the page."],
    };

    /// <summary>
    /// The services contract names bookings by id and states by code ("booking bk-… is in-progress; only a booking that
    /// is requested or accepted can be cancelled"); a person reads "this consultation" and the states in words.
    /// </summary>
    private static string? WrongStatus(string text, IStringLocalizer L)
    {
        var wrong = Regex.Match(text, "^booking \\S+ is (?<now>[a-z-]+); only a booking that is (?<allowed>.+) can be (?<doing>[a-z]+)$");
        if (!wrong.Success) return null;
        var allowed = wrong.Groups["allowed"].Value.Split(" or ").Select(state => State(state, L));
        return L["This consultation is already {0}; it can be {1} only while {2}.",
            State(wrong.Groups["now"].Value, L), State(wrong.Groups["doing"].Value, L), string.Join($" {L["or"]} ", allowed)];
    }

    /// <summary>The key store's sentences that name a key (keys.js, BrowserKeyStore), in the person's language.</summary>
    private static string? KeyStore(string text, IStringLocalizer L)
    {
        if (Regex.Match(text, @"^wrong passphrase for key '(?<key>[^']+)' \(or the key file is damaged\)$") is { Success: true } wrong)
            return L["Wrong passphrase for key '{0}' (or the key file is damaged).", wrong.Groups["key"].Value];
        if (Regex.Match(text, @"^a key named '(?<key>[^']+)' already exists$") is { Success: true } exists)
            return L["A key named '{0}' already exists.", exists.Groups["key"].Value];
        if (Regex.Match(text, @"^no key named '(?<key>[^']+)' in this browser$") is { Success: true } none)
            return L["No key named '{0}' in this browser.", none.Groups["key"].Value];
        if (Regex.Match(text, @"^'(?<key>.*)' is not a valid key name \(letters, digits, '-', '_', '\.'; at most 64\)$") is { Success: true } invalid)
            return L["'{0}' is not a valid key name (letters, digits, '-', '_', '.'; at most 64).", invalid.Groups["key"].Value];
        return null;
    }

    /// <summary>A booking's state, or what is done to one, as a word: "in-progress" reads "in progress".</summary>
    private static string State(string code, IStringLocalizer L) => code switch
    {
        "requested" => L["requested"],
        "accepted" => L["accepted"],
        "in-progress" => L["in progress"],
        "ended" => L["ended"],
        "completed" => L["completed"],
        "released" => L["released"],
        "declined" => L["declined"],
        "cancelled" => L["cancelled"],
        "expired" => L["expired"],
        "no-show" => L["no show"],
        "disputed" => L["disputed"],
        "resolved" => L["resolved"],
        "started" => L["started"],
        "acknowledged" => L["acknowledged"],
        _ => code.Replace('-', ' '),
    };

    /// <summary>Times in a reason (Unix milliseconds) as dates in the person's culture.</summary>
    private static string WithDates(string text) =>
        Regex.Replace(text, @"\b1\d{12}\b", m => Dates.Show(long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A reason as a sentence: the portal's own in the person's language, the node's as it came.</summary>
    private static string Sentence(string text, IStringLocalizer L)
    {
        text = text.Trim();
        if (text.Length == 0) return L["The node refused this."];
        text = char.ToUpperInvariant(text[0]) + text[1..];
        text = text.EndsWith('.') ? text : text + ".";
        return L is PortalWords words ? words.IfKnown(text) : text;
    }
}
