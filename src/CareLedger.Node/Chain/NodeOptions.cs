using System.ComponentModel.DataAnnotations;

namespace CareLedger.Node.Chain;

/// <summary>A node's settings. The defaults run the embedded single-node demo with no configuration at all.</summary>
public sealed class NodeOptions
{
    public const string Section = "CareLedger";

    /// <summary>Where the node listens when no --urls is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Folder for the ledger database, the node's key and (for the demo) the demo keystore.</summary>
    [Required] public string DataDir { get; set; } = "data";

    /// <summary>
    /// Where the ledger (blocks, transaction index, state) lives: a PostgreSQL connection string
    /// (<c>Host=…;Port=…;Database=…;Username=…</c>), or empty for SQLite's ledger.db in <see cref="DataDir"/>.
    /// The vault and the node's keys stay in the data folder either way.
    /// </summary>
    public string? Store { get; set; }

    /// <summary>A JSON genesis document for a real consortium; when empty, a demo consortium is created on first start.</summary>
    public string? GenesisFile { get; set; }

    /// <summary>Passphrase protecting the node's validator key at rest. Set CARELEDGER_NODE_PASSPHRASE in production.</summary>
    public string? NodePassphrase { get; set; }

    /// <summary>
    /// Below this much free space on the data folder's disk the node refuses new work (507) and cuts no block, so that
    /// its store and vault never meet a full disk mid-write; it resumes by itself when space returns.
    /// </summary>
    [Range(0, 1_000_000)] public int MinFreeDiskMegabytes { get; set; } = 256;

    [Range(1, 10_000)] public int BlockMaxTransactions { get; set; } = 2000;
    [Range(1, 10_000)] public int BlockLingerMs { get; set; } = 2;

    /// <summary>
    /// A single node cuts a block as soon as it holds as many transactions as the previous one, before the linger ends
    /// (<see cref="CareLedger.Ledger.Ordering.BatchLinger"/>). False: every block waits out <see cref="BlockLingerMs"/>, for
    /// the largest blocks (a disk whose sync is slow) or a test that needs blocks to take their time.
    /// </summary>
    public bool BlockCutEarly { get; set; } = true;
    [Range(1, 1_000_000)] public int PoolCapacity { get; set; } = 50_000;
    [Range(1, 600)] public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>How long before a consultation's slot its room (/v1/rooms) lets the patient and practitioner in.</summary>
    [Range(0, 24 * 60)] public int RoomOpensMinutesBefore { get; set; } = 15;

    /// <summary>Record reads, contract queries and FHIR requests one signing account may make per second (bursts of four seconds' worth pass).</summary>
    [Range(1, 1_000_000)] public int ReadsPerSecondPerAccount { get; set; } = 50;

    /// <summary>The same for unsigned requests, per client address.</summary>
    [Range(1, 1_000_000)] public int ReadsPerSecondPerAddress { get; set; } = 200;
}
