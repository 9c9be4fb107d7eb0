using CareLedger.Ledger.Storage;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Disk;

/// <summary>
/// Watches the free space on the data folder's disk. Below <see cref="NodeOptions.MinFreeDiskMegabytes"/>, or once a
/// write failed for want of space, the node is full: it refuses new work (<see cref="DiskFullRefusal"/>), cuts no block,
/// says so once in its log and in <c>careledger_disk_full</c>; it resumes by itself when space returns.
/// </summary>
public sealed partial class DiskSpace(NodeStart start, Microsoft.Extensions.Options.IOptions<NodeOptions> options, ILogger<DiskSpace> log)
    : BackgroundService, IStorageSpace
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DatabaseRetry = TimeSpan.FromSeconds(10);
    private readonly long _minimum = options.Value.MinFreeDiskMegabytes * 1024L * 1024L;
    private readonly Lock _lock = new();
    private TaskCompletionSource _room = Completed();
    private long _refused;
    private long _freeAtFailure = -1;
    private long _retryAtTicks;

    public bool Full { get; private set; }
    public long FreeBytes { get; private set; } = -1;
    public long Refused => Interlocked.Read(ref _refused);
    public string Folder => start.DataDir;

    public Task WaitForRoomAsync(CancellationToken ct)
    {
        lock (_lock) return _room.Task.WaitAsync(ct);
    }

    public void ReportFull(Exception e)
    {
        // A local write failed although the free space looked enough: room returns only once more is free than now.
        // PostgreSQL's disk is not ours to watch (it may be another host's): the orderer tries again after a pause.
        if (e is Npgsql.PostgresException) Interlocked.Exchange(ref _retryAtTicks, DateTime.UtcNow.Add(DatabaseRetry).Ticks);
        else Interlocked.Exchange(ref _freeAtFailure, FreeOn(Folder));
        if (SetFull(true)) LogFullAfterWrite(log, Folder, e.Message);
    }

    public void CountRefusal() => Interlocked.Increment(ref _refused);

    /// <summary>Looks at the disk now; returns whether the node is full.</summary>
    public bool Check()
    {
        FreeBytes = FreeOn(Folder);
        var full = FreeBytes < _minimum || FreeBytes <= Interlocked.Read(ref _freeAtFailure) || DateTime.UtcNow.Ticks < Interlocked.Read(ref _retryAtTicks);
        if (!full) Interlocked.Exchange(ref _freeAtFailure, -1);
        if (full && SetFull(true)) LogFull(log, FreeBytes / 1024 / 1024, Folder, _minimum / 1024 / 1024);
        else if (!full && SetFull(false)) LogResumed(log, FreeBytes / 1024 / 1024, Folder);
        return Full;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do Check();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Changes the state; true when it changed (so the log says it once per change, not once per request).</summary>
    private bool SetFull(bool full)
    {
        lock (_lock)
        {
            if (Full == full) return false;
            Full = full;
            if (full) _room = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            else _room.TrySetResult();
            return true;
        }
    }

    private static long FreeOn(string folder)
    {
        try { return new DriveInfo(folder).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return long.MaxValue; }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    [LoggerMessage(LogLevel.Error, "ALERT: disk full: {FreeMb} MiB free under {Folder} (minimum {MinimumMb} MiB); the node refuses new work until space returns")]
    private static partial void LogFull(ILogger log, long freeMb, string folder, long minimumMb);

    [LoggerMessage(LogLevel.Error, "ALERT: disk full: a write under {Folder} failed ({Reason}); the node refuses new work until space returns")]
    private static partial void LogFullAfterWrite(ILogger log, string folder, string reason);

    [LoggerMessage(LogLevel.Warning, "Disk space returned: {FreeMb} MiB free under {Folder}; the node takes new work again")]
    private static partial void LogResumed(ILogger log, long freeMb, string folder);
}
