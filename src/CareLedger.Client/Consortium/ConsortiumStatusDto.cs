namespace CareLedger.Client.Consortium;

/// <summary>
/// A node's answer to GET /v1/consortium/status: the consortium as that node sees it; <c>Waiting</c> says why its next
/// block waits for its clock (ADR 0012), <c>ClockSkewMs</c> its clock minus the median of the nodes'.
/// </summary>
public sealed record ConsortiumStatusDto(string Mode, string ChainId, string Self, string Role, LeaderDto? Leader, ulong Height, ulong LogHeight,
    ulong FinalHeight, int Quorum, string? Halted, IReadOnlyList<MemberStatusDto> Members, long? ClockSkewMs = null, string? Waiting = null)
{
    public bool IsHalted => Halted is not null || Role == "halted";
}

public sealed record LeaderDto(string Validator, string Url);

/// <summary>One validator: its role, height and lag from its last heartbeat; "offline" with no heartbeat.</summary>
public sealed record MemberStatusDto(string Validator, string? Organisation, string? Url, string Role, ulong? Height, ulong? Lag, bool Online, string? Halted);
