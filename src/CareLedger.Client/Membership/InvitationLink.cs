namespace CareLedger.Client.Membership;

/// <summary>
/// What an invitation link carries after its '#': the invitation's id and the one-time key's private half (PKCS#8,
/// base64url). A URL fragment never reaches a server, so neither the node nor its logs see the key.
/// </summary>
public sealed record InvitationLink(string Invitation, byte[] OneTimeKey)
{
    public string Fragment => $"i={Invitation}&k={Convert.ToBase64String(OneTimeKey).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";

    /// <summary>The link's fragment (with or without its '#'), or null when it is not an invitation's.</summary>
    public static InvitationLink? Parse(string fragment)
    {
        var parts = fragment.TrimStart('#').Split('&').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("i", out var id) || !parts.TryGetValue("k", out var key) || id.Length != 32) return null;
        var base64 = key.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        try { return new InvitationLink(id, Convert.FromBase64String(base64)); }
        catch (FormatException) { return null; }
    }
}
