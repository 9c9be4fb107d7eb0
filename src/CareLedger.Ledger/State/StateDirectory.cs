using System.Formats.Cbor;
using CareLedger.Ledger.Blocks;
using CareLedger.Ledger.Cryptography;

namespace CareLedger.Ledger.State;

/// <summary>
/// Entries of state whose complete content every block header commits to, so that a client can check a list the node
/// gives it (an organisation's staff, the validators) against a quorum-signed header instead of taking the node's word
/// (docs/adr/0016). <see cref="BySegment"/>: one group per first key segment after the prefix (staff by organisation);
/// otherwise the whole prefix is one group (the validators).
/// </summary>
public sealed record DirectoryGroup(string Prefix, bool BySegment)
{
    /// <summary>The group a key belongs to under this rule, or null when it is not under the prefix.</summary>
    public string? GroupOf(string key)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        if (!BySegment) return Prefix;
        var slash = key.IndexOf('/', Prefix.Length);
        return slash < 0 ? null : key[..(slash + 1)];
    }
}

/// <summary>
/// The directory: for each group of <see cref="DirectoryGroup"/> entries, the hash of all its entries in key order; and
/// over those, a Merkle tree whose root is the block header's directory root. Group hashes live in state under
/// <see cref="GroupHashPrefix"/> and the root at <see cref="RootKey"/>, so a block that touches no group costs one read,
/// and a block that does re-hashes only the groups it touched.
/// </summary>
public sealed class StateDirectory(IReadOnlyList<DirectoryGroup> groups)
{
    // An array, walked by index for every key a block writes: no enumerator on the hot path.
    private readonly DirectoryGroup[] _rules = [.. groups];

    public const string GroupHashPrefix = "sys/directory/";
    public const string RootKey = "sys/directory-root";
    private const byte GroupTag = 0x05;

    public IReadOnlyList<DirectoryGroup> Groups => groups;

    /// <summary>The root of a directory with no group.</summary>
    public static Hash256 EmptyRoot { get; } = MerkleTree.Root([]);

    /// <summary>The group <paramref name="key"/> belongs to, or null.</summary>
    public string? GroupOf(string key)
    {
        for (var i = 0; i < _rules.Length; i++)
            if (_rules[i].GroupOf(key) is { } group) return group;
        return null;
    }

    /// <summary>
    /// Brings the directory up to date with the block's writes so far and returns its root: the touched groups are
    /// hashed again (an emptied group leaves the tree), and the root is recomputed when any group changed.
    /// </summary>
    public Hash256 Update(StateOverlay state)
    {
        SortedSet<string>? touched = null;
        foreach (var key in state.WrittenKeys)
            if (GroupOf(key) is { } group) (touched ??= new SortedSet<string>(StringComparer.Ordinal)).Add(group);
        if (touched is null)
            return state.Get(RootKey) is { } stored ? new Hash256(stored) : EmptyRoot;
        foreach (var group in touched)
        {
            var entries = state.Scan(group).ToList();
            if (entries.Count == 0) state.Delete(GroupHashPrefix + group);
            else state.Set(GroupHashPrefix + group, GroupHash(group, entries).ToArray());
        }
        var root = MerkleTree.Root(Leaves(state.Scan(GroupHashPrefix)).Select(l => l.Leaf).ToList());
        state.Set(RootKey, root.ToArray());
        return root;
    }

    /// <summary>The hash of a group's entries, in key order: SHA-256 of the canonical CBOR array of [key, value].</summary>
    public static Hash256 GroupHash(string group, IReadOnlyList<KeyValuePair<string, byte[]>> entries)
    {
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartArray(entries.Count);
        foreach (var (key, value) in entries)
        {
            if (!key.StartsWith(group, StringComparison.Ordinal)) throw new ArgumentException($"'{key}' is not in group '{group}'");
            writer.WriteStartArray(2);
            writer.WriteTextString(key);
            writer.WriteByteString(value);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        return Hash256.Of(writer.Encode());
    }

    /// <summary>A group's leaf in the directory tree: H(0x00 || H(0x05 || group || group hash)).</summary>
    public static Hash256 Leaf(string group, Hash256 groupHash) =>
        MerkleTree.Leaf(Hash256.Tagged(GroupTag, System.Text.Encoding.UTF8.GetBytes(group), groupHash.Span).Span);

    /// <summary>
    /// The entries of <paramref name="group"/> and the Merkle path of its leaf to the directory's root in
    /// <paramref name="state"/>; null when the group has no entry (an absent group cannot be proven empty).
    /// </summary>
    public static DirectoryProof? Prove(IStateReader state, string group)
    {
        var leaves = Leaves(state.Scan(GroupHashPrefix)).ToList();
        var index = leaves.FindIndex(l => l.Group == group);
        if (index < 0) return null;
        var entries = state.Scan(group).ToList();
        var root = state.Get(RootKey) is { } stored ? new Hash256(stored) : EmptyRoot;
        return new DirectoryProof(group, entries, MerkleTree.Path([.. leaves.Select(l => l.Leaf)], index), root);
    }

    private static IEnumerable<(string Group, Hash256 Leaf)> Leaves(IEnumerable<KeyValuePair<string, byte[]>> groupHashes) =>
        groupHashes.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (Group: e.Key[GroupHashPrefix.Length..], Leaf: Leaf(e.Key[GroupHashPrefix.Length..], new Hash256(e.Value))));
}

/// <summary>
/// All entries of one directory group with the path of the group's leaf to <see cref="Root"/>, the directory root the
/// node read with them. <see cref="Check"/> says whether they lead to a given header's root.
/// </summary>
public sealed record DirectoryProof(string Group, IReadOnlyList<KeyValuePair<string, byte[]>> Entries, IReadOnlyList<MerkleStep> Path, Hash256 Root)
{
    /// <summary>Null when these entries, and no others, are the group's content under <paramref name="directoryRoot"/>; otherwise why not.</summary>
    public string? Check(Hash256 directoryRoot)
    {
        var previous = "";
        foreach (var (key, _) in Entries)
        {
            if (!key.StartsWith(Group, StringComparison.Ordinal)) return $"entry '{key}' is not in group '{Group}'";
            if (string.CompareOrdinal(key, previous) <= 0) return "the entries are not in strict key order";
            previous = key;
        }
        if (Entries.Count == 0) return "a proven group has at least one entry";
        var leaf = StateDirectory.Leaf(Group, StateDirectory.GroupHash(Group, Entries));
        return MerkleTree.RootFromPath(leaf, Path) == directoryRoot ? null
            : $"the entries of '{Group}' do not lead to the header's directory root: an entry was added, changed or left out";
    }
}
