using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;

namespace CareLedger.Contracts.Licensing;

/// <summary>
/// A practitioner's licence, at licensing/licence/{practitioner}: what they may practise, where,
/// from when until when, who issued it (an organisation) and its number; a revocation takes effect
/// at <see cref="RevokedAt"/> (0, with no reason, while it stands).
/// </summary>
public sealed record Licence(
    AccountId Practitioner, string Specialty, string Jurisdiction, long ValidFrom, long ValidUntil, string Issuer, long IssuedAt, string Number,
    bool Revoked, long RevokedAt, string RevokeReason) : ICborRecord<Licence>
{
    public const string KeyPrefix = "licensing/licence/";

    public static StatePrefix<Licence> All { get; } = new(KeyPrefix);

    public static StateKey<Licence> Key(AccountId practitioner) => new(KeyPrefix + practitioner);

    /// <summary>Whether the licence was revoked by <paramref name="time"/>.</summary>
    public bool RevokedBy(long time) => Revoked && RevokedAt <= time;

    public CborMap ToCbor() => new()
    {
        ["practitioner"] = Practitioner.ToString(), ["specialty"] = Specialty, ["jurisdiction"] = Jurisdiction, ["validFrom"] = ValidFrom,
        ["validUntil"] = ValidUntil, ["issuer"] = Issuer, ["issuedAt"] = IssuedAt, ["number"] = Number, ["revoked"] = Revoked,
        ["revokedAt"] = RevokedAt, ["revokeReason"] = RevokeReason,
    };

    public static Licence FromCbor(CborMap map) => CborFields.Read(map, static f => new Licence(
        f.Account("practitioner"), f.Text("specialty"), f.Text("jurisdiction"), f.Int("validFrom"), f.Int("validUntil"), f.Text("issuer"),
        f.Int("issuedAt"), f.Text("number"), f.Bool("revoked"), f.Int("revokedAt"), f.Text("revokeReason")));
}

/// <summary>
/// A moment at which a licence stops holding, at licensing/lapse/{at:D15}/{practitioner} so that a scan meets them in time
/// order: its expiry (the millisecond after <see cref="Licence.ValidUntil"/>), its revocation, and a reissue that is not yet
/// valid when issued. Whoever must act when licences lapse (the services contract cancels open bookings) reads only the
/// moments that block time has reached, however many licences there are. A reissue replaces the old licence's moments.
/// </summary>
public sealed record LicenceLapse(AccountId Practitioner, long At) : ICborRecord<LicenceLapse>
{
    public const string KeyPrefix = "licensing/lapse/";

    /// <summary>The last moment the key's fifteen digits can hold; a licence valid beyond it never lapses in this index.</summary>
    public const long LastMoment = 999_999_999_999_999;

    public static StatePrefix<LicenceLapse> All { get; } = new(KeyPrefix);

    public static StateKey<LicenceLapse> Key(long at, AccountId practitioner) => new($"{KeyPrefix}{at:D15}/{practitioner}");

    /// <summary>A key that sorts after every moment before <paramref name="at"/> and before every moment at or after it.</summary>
    public static string Before(long at) => $"{KeyPrefix}{at - 1:D15}0";

    /// <summary>The moments at which <paramref name="licence"/>, as it stands, stops holding.</summary>
    public static IReadOnlyList<LicenceLapse> Of(Licence licence)
    {
        var moments = new List<LicenceLapse>();
        if (licence.ValidUntil < LastMoment) moments.Add(new(licence.Practitioner, licence.ValidUntil + 1));
        if (licence.ValidFrom > licence.IssuedAt) moments.Add(new(licence.Practitioner, licence.IssuedAt));
        if (licence.Revoked) moments.Add(new(licence.Practitioner, licence.RevokedAt));
        return moments;
    }

    public CborMap ToCbor() => new() { ["practitioner"] = Practitioner.ToString(), ["at"] = At };

    public static LicenceLapse FromCbor(CborMap map) => CborFields.Read(map, static f => new LicenceLapse(f.Account("practitioner"), f.Int("at")));
}

/// <summary>The answer to licensing.verify: whether the practitioner was licensed at a time, why not, and the licence if there is one.</summary>
public sealed record LicenceVerdict(AccountId Practitioner, long At, bool Valid, string? Reason, Licence? Licence) : ICborRecord<LicenceVerdict>
{
    public CborMap ToCbor()
    {
        var map = new CborMap { ["practitioner"] = Practitioner.ToString(), ["at"] = At, ["valid"] = Valid };
        if (Reason is not null) map["reason"] = Reason;
        if (Licence is not null) map["licence"] = Licence.ToCbor();
        return map;
    }

    public static LicenceVerdict FromCbor(CborMap map) => CborFields.Read(map, static f => new LicenceVerdict(
        f.Account("practitioner"), f.Int("at"), f.Bool("valid"), f.OptionalText("reason"), f.OptionalRecord<Licence>("licence")));
}

/// <summary>The answer to licensing.licences: a page of every licence issued, revoked ones too, in practitioner order.</summary>
public sealed record LicenceList(IReadOnlyList<Licence> Licences, string Next) : ICborRecord<LicenceList>, IQueryPage<Licence>
{
    IReadOnlyList<Licence> IQueryPage<Licence>.Items => Licences;

    public CborMap ToCbor() => new() { ["licences"] = CborRecord.List(Licences), ["next"] = Next };

    public static LicenceList FromCbor(CborMap map) => CborFields.Read(map, static f => new LicenceList(f.Records<Licence>("licences"), f.Text("next")));
}
