using Microsoft.Data.Sqlite;
using Npgsql;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// Whether the disk under the node's stores has room for another block. The orderer waits on it rather than fail: a
/// block that could not be written for want of space was rolled back whole (SQLite and PostgreSQL commit a block
/// atomically, and the state cache changes only after the commit), so the same batch can be committed once room returns.
/// </summary>
public interface IStorageSpace
{
    /// <summary>Returns once there is room again; at once when there is.</summary>
    Task WaitForRoomAsync(CancellationToken ct);

    /// <summary>A write failed for want of space (<see cref="StorageFull.Is"/>): refuse new work until room returns.</summary>
    void ReportFull(Exception e);
}

/// <summary>Recognises "the disk is full" whichever store or file hit it.</summary>
public static class StorageFull
{
    private const int Enospc = 28;
    private const int SqliteFull = 13;
    private const string PostgresDiskFull = "53100";

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }) return true;
            if (e is PostgresException { SqlState: PostgresDiskFull }) return true;
            if (e is IOException io && ((io.HResult & 0xFFFF) == Enospc || io.Message.Contains("No space left on device", StringComparison.Ordinal))) return true;
        }
        return false;
    }
}
