namespace CareLedger.Ledger.State;

/// <summary>Read access to the world state: keys are text, values are bytes, scans are in ordinal key order.</summary>
public interface IStateReader
{
    byte[]? Get(string key);

    /// <summary>Every entry whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> Scan(string prefix);
}
