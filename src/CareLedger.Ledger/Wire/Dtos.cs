using System.Text.Json.Nodes;

namespace CareLedger.Ledger.Wire;

/// <summary>A signed transaction envelope, base64 of its canonical CBOR.</summary>
public sealed record SubmitRequest(string Transaction);

public sealed record SubmitResponse(string Id, string Status, ReceiptDto? Receipt);

/// <summary>Status is "committed" (then Valid says whether it took effect), "pending" or "unknown".</summary>
public sealed record ReceiptDto(string TxId, string Status, ulong? Height = null, int? Index = null, string? BlockHash = null,
    long? BlockTime = null, bool? Valid = null, string? Reason = null, IReadOnlyList<EventDto>? Events = null);

public sealed record EventDto(string Contract, string Name, JsonObject Attributes);

public sealed record BlockDto(ulong Height, string Hash, string PreviousHash, string TransactionsRoot, string StateRoot, string DirectoryRoot, long Time,
    string Proposer, IReadOnlyList<BlockTxDto> Transactions, IReadOnlyList<SignatureDto> Signatures);

public sealed record BlockTxDto(string Id, string Sender, ulong Nonce, string Contract, string Action, JsonObject Args, bool Valid, string? Reason);

public sealed record SignatureDto(string Validator, string PublicKey, string Signature);

/// <summary>
/// A block exactly as stored (base64 header and body), for independent verification; with every validator
/// signature the node has gathered over it since (the body holds only those it had when it stored the block),
/// so a node catching up from it sees the quorum that made it final.
/// </summary>
public sealed record RawBlockDto(ulong Height, string Header, string Body, IReadOnlyList<SignatureDto>? Signatures = null);

public sealed record ProofStepDto(string Sibling, bool Left);

/// <summary>A Merkle receipt as a file: everything needed to check a transaction's inclusion offline.</summary>
public sealed record ProofDto(string Format, string ChainId, ulong Height, string BlockHash, string TxId, string Header, string Transaction,
    string Result, IReadOnlyList<ProofStepDto> Path, IReadOnlyList<SignatureDto> Signatures);

/// <summary>
/// A directory group's complete entries (keys with base64 CBOR values), the Merkle path of the group to the header's
/// directory root, and the header (base64) with the validator signatures the node has gathered over it.
/// </summary>
public sealed record DirectoryProofDto(string Group, ulong Height, IReadOnlyList<DirectoryEntryDto> Entries, IReadOnlyList<ProofStepDto> Path,
    string Header, IReadOnlyList<SignatureDto> Signatures);

public sealed record DirectoryEntryDto(string Key, string Value);

public sealed record AccountDto(string Account, ulong LastNonce, bool Member, string? Organisation, string? Role, string? Name);

/// <summary>The chain's head as one node sees it, and that node's own key (public, as a server's certificate is).</summary>
public sealed record ChainInfoDto(string ChainId, ulong Height, string HeadHash, string StateRoot, long Time, int PendingTransactions,
    IReadOnlyList<string> Validators, string? NodeKey = null);

public sealed record StateEntryDto(string Key, JsonNode? Value);

/// <summary>A block as the explorer lists it: no transactions, only how many.</summary>
public sealed record BlockSummaryDto(ulong Height, string Hash, long Time, int Transactions, string Proposer);

/// <summary>A contract as the node describes it: its actions (argument shapes, who may call) and queries.</summary>
public sealed record ContractDto(string Name, IReadOnlyList<ContractActionDto> Actions, IReadOnlyList<ContractQueryDto> Queries);

public sealed record ContractActionDto(string Name, string Callers, IReadOnlyList<ArgDto> Args);

public sealed record ContractQueryDto(string Name, IReadOnlyList<ArgDto> Args);

public sealed record ArgDto(string Name, string Kind, bool Optional);
