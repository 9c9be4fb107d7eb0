using System.Runtime.CompilerServices;
using CareLedger.Client.Live;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Portal.Session;

/// <summary>
/// The signed-in person's live notices (the node's /v1/live): connected on sign-in, after the lazily loaded parts
/// (SignalR's client is one of them), dropped on sign-out. Newest first, with a count of those not yet seen.
/// </summary>
public sealed class LiveNotices(PortalSession session, LazyParts lazy, HttpClient http)
{
    private readonly List<LiveNotice> _notices = [];
    private IAsyncDisposable? _connection;
    private AccountId? _for;

    public IReadOnlyList<LiveNotice> Notices => _notices;
    public int Unread { get; private set; }

    /// <summary>How many notices arrived since sign-in (the list keeps the newest 50): pages that show what notices concern compare it to reload.</summary>
    public int Heard { get; private set; }

    /// <summary>Whether notices arrive now.</summary>
    public bool Connected => _connection is not null;

    /// <summary>Why the channel is not open, in one sentence; null while it is (or nobody is signed in).</summary>
    public string? Problem { get; private set; }

    public event Action? Changed;

    /// <summary>Each notice as it arrives, for a page that acts on it (the chat fetches the message it names).</summary>
    public event Action<LiveNotice>? Arrived;

    /// <summary>Follows the session from now on: whoever signs in is connected, and a sign-out disconnects.</summary>
    public void Follow()
    {
        session.Changed += () => _ = FollowAsync();
        _ = FollowAsync();
    }

    public void MarkAllSeen()
    {
        if (Unread == 0) return;
        Unread = 0;
        Changed?.Invoke();
    }

    private async Task FollowAsync()
    {
        var me = session.Current;
        if (me?.Account == _for) return;
        _for = me?.Account;
        if (_connection is { } old)
        {
            _connection = null;
            await old.DisposeAsync();
        }
        _notices.Clear();
        Unread = 0;
        Heard = 0;
        Problem = null;
        if (me is not null)
        {
            try
            {
                await lazy.EnsureLoadedAsync();
                var connection = await ConnectAsync(me.Key);
                if (_for == me.Account) _connection = connection;
                else await connection.DisposeAsync(); // someone else signed in meanwhile
            }
            catch (Exception e)
            {
                Problem = e is LiveRefusedException ? e.Message : "Live notices are not available right now; pages still show the latest when opened.";
            }
        }
        Changed?.Invoke();
    }

    /// <summary>Kept apart so that SignalR's client, loaded lazily, is first touched only once it is there.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<IAsyncDisposable> ConnectAsync(IAccountKey key) =>
        await LiveClient.ConnectAsync(http.BaseAddress!, key, await session.Node.AudienceAsync(), Hear);

    private void Hear(LiveNotice notice)
    {
        _notices.Insert(0, notice);
        if (_notices.Count > 50) _notices.RemoveAt(_notices.Count - 1);
        Unread++;
        Heard++;
        Changed?.Invoke();
        Arrived?.Invoke(notice);
    }
}
