using System.Formats.Cbor;
using CareLedger.Ledger.Storage;

namespace CareLedger.Cli.Chain;

/// <summary>A node's data folder, read through the ledger store opened read-only: one snapshot, never a write.</summary>
public static class DataFolder
{
    /// <summary>The full path of the ledger in <paramref name="dataDir"/>.</summary>
    public static string LedgerPath(string dataDir) => Path.GetFullPath(Path.Combine(dataDir, SqliteLedgerStore.FileName));

    /// <summary>Opens the folder's ledger read-only; a missing ledger, or a last block too damaged to read its header, is a one-line error.</summary>
    public static async Task<SqliteLedgerStore> OpenLedgerAsync(string dataDir, CancellationToken ct)
    {
        var path = LedgerPath(dataDir);
        try { return await SqliteLedgerStore.OpenReadOnlyAsync(path, ct); }
        catch (FileNotFoundException) { throw new CliException($"no ledger at {path}"); }
        catch (Exception e) when (e is CborContentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new CliException($"the last block in {path} is damaged: {e.Message}", ExitCodes.Invalid);
        }
    }
}
