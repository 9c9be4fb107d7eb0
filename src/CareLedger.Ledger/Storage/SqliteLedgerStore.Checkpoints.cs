using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace CareLedger.Ledger.Storage;

/// <summary>
/// WAL checkpoints off the commit path. Left to itself, SQLite checkpoints on the committing connection whenever the WAL
/// passes 1,000 pages: with ~7 pages a transaction that is every few blocks, and each checkpoint copies the pages into
/// the database and syncs both files inside a block's append, while the orderer and every waiting client wait. Here the
/// writers' own checkpoint is only a backstop (<see cref="BackstopWalPages"/>, for a WAL the background cannot keep up
/// with), and once the WAL file has reached SQLite's threshold (<see cref="CheckpointFromWalPages"/>) a background loop runs
/// a PASSIVE checkpoint on its own connection a little after blocks are appended; PASSIVE never waits for, nor blocks, the
/// writer or readers. Durability is unchanged: a block is durable once the WAL is synced at its commit; a checkpoint only
/// moves committed pages into the database file. Below the threshold nothing is checkpointed, as before: the WAL grows, so
/// a block on a full disk still fails to append and the node notices (a WAL reset early would let small blocks reuse its space).
/// </summary>
public sealed partial class SqliteLedgerStore
{
    /// <summary>How many pages (4 KiB) the WAL may reach before a committing connection checkpoints it itself.</summary>
    public const int BackstopWalPages = 16_384;

    /// <summary>SQLite's own automatic checkpoint threshold, in pages: the WAL size from which the background checkpoints.</summary>
    public const int CheckpointFromWalPages = 1_000;

    private const int PageBytes = 4_096;

    /// <summary>How long after a block is appended the background checkpoint runs, so that one checkpoint covers several blocks.</summary>
    public static readonly TimeSpan CheckpointDelay = TimeSpan.FromMilliseconds(200);

    private readonly Channel<bool> _appended = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopCheckpoints = new();
    private Task _checkpoints = Task.CompletedTask;
    private long _checkpointsRun;
    private long _checkpointsFailed;

    /// <summary>Background checkpoints run, and those that failed (a full disk, say: the WAL keeps every page meanwhile, and the next one tries again).</summary>
    public (long Run, long Failed) Checkpoints => (Interlocked.Read(ref _checkpointsRun), Interlocked.Read(ref _checkpointsFailed));

    private static string BackstopPragma => $"PRAGMA wal_autocheckpoint={BackstopWalPages};";

    private string? _walPath;
    private long _checkpointFromBytes;

    private void StartCheckpoints(string walPath, int fromPages)
    {
        (_walPath, _checkpointFromBytes) = (walPath, (long)fromPages * PageBytes);
        _checkpoints = Task.Run(() => CheckpointLoopAsync(_stopCheckpoints.Token));
    }

    /// <summary>Wakes the checkpoint loop once the WAL file has reached the threshold; a wake already pending covers this block too.</summary>
    private void OnAppended()
    {
        if (_walPath is null) return;
        var wal = new FileInfo(_walPath);
        if (wal.Exists && wal.Length >= _checkpointFromBytes) _appended.Writer.TryWrite(true);
    }

    private async Task CheckpointLoopAsync(CancellationToken ct)
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(ct);
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            while (await _appended.Reader.WaitToReadAsync(ct))
            {
                await Task.Delay(CheckpointDelay, ct);
                _appended.Reader.TryRead(out _);
                try
                {
                    await checkpoint.ExecuteNonQueryAsync(ct);
                    Interlocked.Increment(ref _checkpointsRun);
                }
                catch (SqliteException)
                {
                    Interlocked.Increment(ref _checkpointsFailed);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (SqliteException)
        {
            // The checkpointer could not even open its connection: the writers' backstop checkpoints instead.
            Interlocked.Increment(ref _checkpointsFailed);
        }
    }

    private int _checkpointsStopped;

    private void StopCheckpoints()
    {
        if (Interlocked.Exchange(ref _checkpointsStopped, 1) == 1) return;
        _stopCheckpoints.Cancel();
        try { _checkpoints.Wait(TimeSpan.FromSeconds(10)); }
        catch (AggregateException) { }
        _stopCheckpoints.Dispose();
    }
}
