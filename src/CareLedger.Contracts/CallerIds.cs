namespace CareLedger.Contracts;

/// <summary>Ids a caller chooses for bookings, cases, prescriptions and programmes.</summary>
public static class CallerIds
{
    /// <summary>1-64 lowercase letters, digits and hyphens.</summary>
    public static bool IsValid(string id) => id.Length is >= 1 and <= 64 && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
