using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Verification;
using CareLedger.Ledger.Wire;

namespace CareLedger.Client.Api;

/// <summary>
/// Which validators this client believes, and the newest block it has checked a directory proof against. Lists a
/// record key is wrapped for (an organisation's staff, the validators) are taken only with a proof that a majority of
/// these validators signed (docs/adr/0016). Pinned: the validators are given (from the chain's genesis or the
/// consortium agreement). First use: the first validator list the node proves, signed by a majority of the validators
/// it names, is pinned; later lists must be signed by a majority of the pinned set, and a proven validator list moves
/// the pin as the consortium's votes change the set.
/// </summary>
public sealed class ChainTrust
{
    public const string ValidatorsGroup = Validator.KeyPrefix;

    private readonly ISignatureCheck signatures;
    private readonly SemaphoreSlim gate = new(1, 1);
    private IReadOnlySet<AccountId>? validators;
    private ulong newestHeight;

    private ChainTrust(IReadOnlySet<AccountId>? validators, ISignatureCheck? signatures)
    {
        this.validators = validators;
        this.signatures = signatures ?? DotNetSignatureCheck.Instance;
    }

    /// <summary>Trusts the validators the node proves first (see the class summary).</summary>
    public static ChainTrust FirstUse(ISignatureCheck? signatures = null) => new(null, signatures);

    /// <summary>Trusts only a majority of <paramref name="validators"/> (and the set their signed votes lead to).</summary>
    public static ChainTrust Pinned(IEnumerable<AccountId> validators, ISignatureCheck? signatures = null) => new(validators.ToHashSet(), signatures);

    /// <summary>The validators trusted now, or null before the first proof on first use.</summary>
    public IReadOnlySet<AccountId>? Validators => validators;

    /// <summary>
    /// The complete entries of a directory group, checked against a header a majority of the trusted validators signed,
    /// no older than any header this client checked before. Throws <see cref="DirectoryProofException"/> otherwise.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ProvenAsync(NodeClient node, string group, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (validators is null)
            {
                var first = await FetchAsync(node, ValidatorsGroup, ct);
                var named = ValidatorAccounts(first);
                await CheckAsync(first, named);
                validators = named;
            }
            var answer = await FetchAsync(node, group, ct);
            await CheckAsync(answer, validators);
            if (group == ValidatorsGroup) validators = ValidatorAccounts(answer);
            return answer.Proof.Entries;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task CheckAsync(SignedDirectoryProof answer, IReadOnlySet<AccountId> trusted)
    {
        if (await answer.VerifyAsync(signatures, trusted, trusted.Count / 2 + 1) is { } wrong)
            throw new DirectoryProofException($"The node's list '{answer.Proof.Group}' could not be checked against the chain, so nothing was encrypted for it: {wrong}.");
        if (answer.Header.Height < newestHeight)
            throw new DirectoryProofException($"The node proved '{answer.Proof.Group}' at block {answer.Header.Height}, older than block {newestHeight} it proved before: it may be hiding later changes.");
        newestHeight = answer.Header.Height;
    }

    private static async Task<SignedDirectoryProof> FetchAsync(NodeClient node, string group, CancellationToken ct)
    {
        var dto = await node.GetAsync<DirectoryProofDto>($"v1/directory?group={Uri.EscapeDataString(group)}", ct);
        try
        {
            var proof = WireFormat.FromDto(dto);
            return proof.Proof.Group == group ? proof : throw new FormatException($"it answered for '{proof.Proof.Group}'");
        }
        catch (FormatException e)
        {
            throw new DirectoryProofException($"The node's proof of '{group}' is malformed: {e.Message}.");
        }
    }

    private static IReadOnlySet<AccountId> ValidatorAccounts(SignedDirectoryProof answer) =>
        answer.Proof.Entries.Select(e => AccountId.FromPublicKey(Validator.FromCbor(CborMap.Decode(e.Value)).PublicKey)).ToHashSet();
}

/// <summary>A list the node gave could not be proven against the chain; nothing was encrypted for it.</summary>
public sealed class DirectoryProofException(string message) : Exception(message);
