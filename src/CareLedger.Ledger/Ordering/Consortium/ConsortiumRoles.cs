namespace CareLedger.Ledger.Ordering.Consortium;

public enum ConsortiumRole { Starting, Follower, Leader, Halted }

/// <summary>Who leads: its validator account and API address (what forwarded transactions are sent to).</summary>
public sealed record LeaderInfo(string Validator, string Url);

/// <summary>What each node publishes about itself under its lease, for <c>consortium status</c> and for peers that catch up from it.</summary>
public sealed record MemberHeartbeat(string Validator, string Url, string Role, ulong Height, string? Halted);
