namespace CareLedger.Ledger.Ordering.Consortium;

public enum ConsortiumRole { Starting, Follower, Leader, Halted }

/// <summary>Who leads: its validator account and API address (what forwarded transactions are sent to).</summary>
public sealed record LeaderInfo(string Validator, string Url);

/// <summary>
/// What each node publishes about itself under its lease, for <c>consortium status</c>, for peers that catch up from it,
/// and its clock (Unix milliseconds when sent; 0 from a node that does not say) for <see cref="ConsortiumClock"/>.
/// </summary>
public sealed record MemberHeartbeat(string Validator, string Url, string Role, ulong Height, string? Halted, long Clock = 0);
