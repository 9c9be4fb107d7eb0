using System.ComponentModel.DataAnnotations;
using CareLedger.Ledger.Ordering.Consortium;
using CareLedger.Node.Chain;

namespace CareLedger.Node.Consortium;

/// <summary>
/// Settings for running as one organisation's node in a consortium (section CareLedger:Consortium).
/// With no etcd endpoints the node runs alone with the solo orderer.
/// </summary>
public sealed class ConsortiumOptions
{
    public const string Section = "CareLedger:Consortium";

    /// <summary>The consortium's etcd client URLs, comma-separated (own member first). Empty: solo node.</summary>
    public string? Etcd { get; set; }

    /// <summary>This node's API address as other nodes reach it, for forwarding transactions to the leader. Defaults to the first listening URL.</summary>
    public string? AdvertiseUrl { get; set; }

    /// <summary>How long the leader's lease lives without renewal: the longest a crashed leader holds up ordering.</summary>
    [Range(1, 60)] public int LeaseSeconds { get; set; } = 2;

    /// <summary>Set once, by the operator, after a damaged or diverged store: the node moves its ledger aside and rebuilds it from the consortium's log.</summary>
    public bool Resync { get; set; }

    /// <summary>
    /// How many blocks the etcd log keeps behind the slowest online node; older ones are dropped
    /// (nodes keep the whole chain) and a node further behind catches up from its peers' APIs.
    /// </summary>
    [Range(10, 100_000_000)] public int LogRetainBlocks { get; set; } = 10_000;

    /// <summary>PEM file of the CA that issued the etcd members' server certificates; only it is trusted (none: the system's CAs). Needs https:// endpoints.</summary>
    public string? EtcdCaFile { get; set; }

    /// <summary>PEM client certificate this node presents to etcd (<c>--client-cert-auth</c>); with etcd auth on, its common name is the etcd user.</summary>
    public string? EtcdCertFile { get; set; }

    /// <summary>PEM private key of <see cref="EtcdCertFile"/> (unencrypted; keep it readable by the node only).</summary>
    public string? EtcdKeyFile { get; set; }

    /// <summary>etcd user to authenticate as with a password (etcd users and roles); empty: none, or the client certificate's name.</summary>
    public string? EtcdUser { get; set; }

    /// <summary>The etcd user's password: from the environment (<c>CareLedger__Consortium__EtcdPassword</c>), never the command line; never logged.</summary>
    public string? EtcdPassword { get; set; }

    /// <summary>A file holding the etcd user's password (one line), when it is not in the environment.</summary>
    public string? EtcdPasswordFile { get; set; }

    /// <summary>
    /// How far ahead of this node's clock a block may be timed and still be applied (milliseconds); a block timed later
    /// waits, unsigned, until the clock catches up, and a clock this far off the other nodes' raises an alert (docs/adr/0012).
    /// At least a second: other nodes' clocks are read from heartbeats up to half a second old.
    /// </summary>
    [Range(1_000, 3_600_000)] public int MaxClockSkewMs { get; set; } = 5_000;

    /// <summary>
    /// How long a read this node would refuse waits for the node to apply what the consortium's log already holds
    /// (milliseconds; <see cref="LogCatchUp"/>): a grant or record acknowledged at another node a moment ago then counts
    /// here too. 0: never wait, decide on what this node has applied.
    /// </summary>
    [Range(0, 60_000)] public int ReadCatchUpMs { get; set; } = 3_000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Etcd);
    public IReadOnlyList<string> EtcdEndpoints => (Etcd ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The ordering settings these options and the node's block limits give.</summary>
    public ConsortiumSettings ToSettings(int maxTransactions, TimeSpan linger) => new()
    {
        AdvertiseUrl = AdvertiseUrl ?? NodeOptions.DefaultUrl, LeaseSeconds = LeaseSeconds, LogRetainBlocks = LogRetainBlocks,
        MaxTransactions = maxTransactions, Linger = linger, MaxClockSkew = TimeSpan.FromMilliseconds(MaxClockSkewMs),
    };
}
