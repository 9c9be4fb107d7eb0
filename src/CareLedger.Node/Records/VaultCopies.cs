using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CareLedger.Contracts.Records;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Chain;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Ledger.Runtime;
using CareLedger.Node.Chain;
using CareLedger.Node.Consortium;
using CareLedger.Vault.Records;
using CareLedger.Vault.Storage;

namespace CareLedger.Node.Records;

/// <summary>
/// A consortium node's copies of the other nodes' vaults (ADR 0022): in the background, the content of every version and
/// grant committed in a block, retried with back-off (its author uploads it to their own node after the commit); on a
/// read, whatever the reader needs and this node lacks. Peers are the nodes beating their heart in the consortium's log;
/// requests are signed with this node's validator key; every answer is checked against the ledger by
/// <see cref="RecordContent"/> before it is kept. Registered only for a consortium: a solo node copies nothing.
/// </summary>
public sealed partial class VaultCopies(IBlockLog log, IHttpClientFactory clients, NodeKeys keys, RequestAudience self, RecordContent content,
    LedgerReader ledger, VaultStore vault, LogCatchUp catchUp, TimeProvider clock, ILogger<VaultCopies> logger) : BackgroundService, INodeStartup
{
    /// <summary>The named client (short timeouts) registered by <see cref="RecordServices.AddVaultCopies"/>.</summary>
    public const string ClientName = "vault-copies";

    /// <summary>What a read needs that this node lacks, fetched from peers before the read is decided: the version, its key generation's version, and the keys of grants in force that cover the record.</summary>
    public async Task FetchForReadAsync(AccountId reader, string id, long? version, bool breakingGlass, CancellationToken ct)
    {
        var state = ledger.State;
        var record = RecordLedger.Find(state, id);
        var mayRead = MayRead(state, record, reader, breakingGlass);
        // A member refused here may have been let in (or the record or version written) at another node a moment ago: this
        // node first applies what the consortium's log holds, and decides on that. An erased record stays erased (nothing
        // to wait for), and an outsider's refusal costs the log nothing.
        var lacking = record is null || (!record.Erased && (!mayRead || version is { } asked && RecordLedger.FindVersion(state, id, asked) is null));
        if (lacking && ledger.FindMember(reader) is not null)
        {
            await catchUp.CatchUpAsync(ct);
            state = ledger.State;
            record = RecordLedger.Find(state, id);
            mayRead = MayRead(state, record, reader, breakingGlass);
        }
        // Only for a reader the ledger lets in (or one breaking the glass): nobody else makes this node ask its peers.
        if (!mayRead || record is null) return;
        var now = ledger.NotBeforeHead;
        var v = version ?? record.Version;
        if (RecordLedger.FindVersion(state, id, v) is null) return;
        var generation = RecordKeys.GenerationOf(state, id, v);
        if (!content.HoldsVersion(id, v)) await OnceAsync($"{id}/{v}", () => FetchVersionAsync(id, v, CancellationToken.None), ct);
        if (generation != v && !content.HoldsVersion(id, generation)) await OnceAsync($"{id}/{generation}", () => FetchVersionAsync(id, generation, CancellationToken.None), ct);
        if (vault.GetKey(id, reader, generation) is not null) return;
        foreach (var grant in ledger.State.Scan(ConsentGrant.Of(record.Patient)).Select(e => e.Value)
            .Where(g => !g.Revoked && g.Expiry > now && g.KeysHash != RecordKeys.SameKey && (g.Records.Contains(id) || g.Types.Contains(record.Type))))
        {
            if (!content.HoldsGrantKeys(grant.Patient, grant.Id))
                await OnceAsync($"{grant.Patient}/{grant.Id}", () => FetchGrantKeysAsync(grant.Patient, grant.Id, CancellationToken.None), ct);
            if (vault.GetKey(id, reader, generation) is not null) return;
        }
    }

    /// <summary>
    /// Whether the ledger lets <paramref name="reader"/> read the record now (or break the glass to), at the head's time at
    /// least: a grant that expired by the consortium's latest block lets nobody in here, whatever this node's clock says.
    /// An erased record is read by nobody.
    /// </summary>
    private bool MayRead(ContractState state, MedicalRecord? record, AccountId reader, bool breakingGlass)
    {
        var now = ledger.NotBeforeHead;
        return record is { Erased: false }
            && (RecordAccess.CheckRead(state, record.Id, reader, now).Allowed || (breakingGlass && RecordAccess.CheckBreakGlass(state, reader, now).Allowed));
    }

    private static readonly TimeSpan RememberNoCopy = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _noCopyUntil = new(StringComparer.Ordinal);

    /// <summary>
    /// One fetch for concurrent reads of the same item (they share it; a reader that gives up stops waiting, not the
    /// fetch), and for a moment after no peer had it, none at all: readers cannot make this node fan out to every peer
    /// on each read. The background's retries do not go through here.
    /// </summary>
    private async Task OnceAsync(string item, Func<Task<bool>> fetch, CancellationToken ct)
    {
        if (_noCopyUntil.TryGetValue(item, out var until))
        {
            if (until > clock.GetUtcNow()) return;
            _noCopyUntil.TryRemove(item, out _);
        }
        var shared = _inFlight.GetOrAdd(item, key => new Lazy<Task<bool>>(async () =>
        {
            try
            {
                var held = await fetch();
                if (!held)
                {
                    var now = clock.GetUtcNow();
                    // Seconds-long entries: swept whenever there are many, so the map never grows with the node's history.
                    if (_noCopyUntil.Count > 10_000)
                        foreach (var old in _noCopyUntil.Where(e => e.Value <= now).Select(e => e.Key).ToList()) _noCopyUntil.TryRemove(old, out _);
                    _noCopyUntil[key] = now + RememberNoCopy;
                }
                return held;
            }
            finally
            {
                _inFlight.TryRemove(key, out _);
            }
        }));
        await shared.Value.WaitAsync(ct);
    }

    /// <summary>Asks each peer in turn for a version until one gives a copy that checks out; true when this node holds it.</summary>
    public Task<bool> FetchVersionAsync(string id, long version, CancellationToken ct) =>
        FetchAsync<RecordContentUpload>($"/v1/vault/records/{id}/versions/{version}", $"record {id} version {version}",
            copy => copy is { Ciphertext: { } ciphertext, Keys: { } set }
                ? content.StoreVersionCopy(id, version, Convert.FromBase64String(ciphertext), Convert.FromBase64String(set))
                : MalformedCopy,
            () => RecordLedger.Find(ledger.State, id) is { Erased: true }, ct);

    /// <summary>Asks each peer in turn for a grant's keys until one gives a copy that checks out; true when this node holds them.</summary>
    public Task<bool> FetchGrantKeysAsync(AccountId patient, string grantId, CancellationToken ct) =>
        FetchAsync<GrantKeysUpload>($"/v1/vault/grants/{patient}/{grantId}/keys", $"grant {grantId}'s keys",
            copy => copy is { Keys: { } set } ? content.StoreGrantKeysCopy(patient, grantId, Convert.FromBase64String(set)) : MalformedCopy,
            () => ledger.State.Get(ConsentGrant.Key(patient, grantId)) is { Revoked: true }, ct);

    private static readonly Refusal MalformedCopy = Refusal.Bad("Malformed copy", "The peer's answer lacks the ciphertext or the keys.");

    /// <summary>
    /// Asks the peers, in random order (so that no one peer, first in a fixed list, decides), until one gives a copy that
    /// checks out. A peer's 410 ends the search only if this node's own ledger agrees (<paramref name="goneHere"/>).
    /// </summary>
    private async Task<bool> FetchAsync<T>(string path, string what, Func<T, Refusal?> keep, Func<bool> goneHere, CancellationToken ct) where T : class
    {
        IReadOnlyList<MemberHeartbeat> peers;
        try
        {
            peers = [.. (await log.GetMembersAsync(ct)).Where(m => m.Validator != keys.Account.ToString() && !string.IsNullOrEmpty(m.Url) && m.Halted is null)
                .OrderBy(_ => Random.Shared.Next())];
        }
        catch (BlockLogException e)
        {
            logger.LogDebug("Cannot list the peers to copy {What} from: {Reason}", what, e.Message);
            return false;
        }
        var http = clients.CreateClient(ClientName);
        foreach (var peer in peers)
        {
            T? copy;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, peer.Url.TrimEnd('/') + path);
                request.Headers.TryAddWithoutValidation(RequestSignature.Header,
                    RequestSignature.Sign(keys.Validator, self with { Node = AccountId.Parse(peer.Validator) }, "GET", path, clock.GetUtcNow().ToUnixTimeMilliseconds(), []));
                using var response = await http.SendAsync(request, ct);
                if (response.StatusCode == HttpStatusCode.Gone && goneHere()) return false;
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogDebug("Peer {Peer} has no copy of {What} ({Status})", peer.Url, what, (int)response.StatusCode);
                    continue;
                }
                copy = await response.Content.ReadFromJsonAsync<T>(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or IOException && !ct.IsCancellationRequested)
            {
                logger.LogDebug("Peer {Peer} could not give {What}: {Reason}", peer.Url, what, e.Message);
                continue;
            }
            if (copy is null) continue;
            Refusal? refused;
            try { refused = keep(copy); }
            catch (FormatException) { refused = MalformedCopy; }
            catch (IOException e)
            {
                // This node's vault could not write (a full disk): the read answers without the copy, the background tries later.
                logger.LogWarning("Cannot keep a copy of {What}: {Reason}", what, e.Message);
                return false;
            }
            if (refused is null) return true;
            if (refused.Status == StatusCodes.Status410Gone) return false; // this node's own ledger says so
            // Not what the ledger committed to: a damaged or lying peer. Nothing of it was kept; ask the next.
            logger.LogWarning("Refused a copy of {What} from peer {Peer}: {Title}: {Detail}", what, peer.Url, refused.Title, refused.Detail);
        }
        return false;
    }

    public void BeforeOrdering(LedgerChain chain) => chain.BlockCommitted += OnBlockCommitted;

    private void OnBlockCommitted(Block block)
    {
        foreach (var e in block.Results.SelectMany(r => r.Events).Where(e => e.Contract == "records"))
        {
            if (e.Name == "RecordAdded") Enqueue(new Wanted(e.Attributes.GetText("record"), 1, null, null));
            else if (e.Name == "RecordUpdated") Enqueue(new Wanted(e.Attributes.GetText("record"), e.Attributes.GetInt("version"), null, null));
            else if (e.Name == "ConsentGranted") Enqueue(new Wanted(null, 0, AccountId.Parse(e.Attributes.GetText("patient")), e.Attributes.GetText("grant")));
        }
    }
}
