using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;
using CareLedger.Ledger.Transactions;

namespace CareLedger.Ledger.Tests;

public class RuntimeTests
{
    private readonly ContractRuntime _runtime = TestChain.Runtime();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly StateOverlay _state = new(new MemoryState());

    [Fact]
    public void Apply_ValidTransaction_WritesStateAndEmitsEvent()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, TestChain.Put(_key, 1, "a", 7));
        Assert.True(result.Valid, result.Reason);
        Assert.Equal(7L, CborMap.Decode(_state.Get("notes/a")!).GetInt("v"));
        Assert.Equal("Put", Assert.Single(result.Events).Name);
    }

    [Fact]
    public void Apply_SameNonceTwice_SecondIsRefusedAsReplay()
    {
        var tx = TestChain.Put(_key, 1, "a", 7);
        Assert.True(_runtime.Apply(_state, 1, TestChain.Time, tx).Valid);
        var again = _runtime.Apply(_state, 1, TestChain.Time, TestChain.Put(_key, 1, "a", 8));
        Assert.False(again.Valid);
        Assert.Contains("replay", again.Reason);
        Assert.Equal(7L, CborMap.Decode(_state.Get("notes/a")!).GetInt("v"));
    }

    [Fact]
    public void Apply_AfterExpiry_IsInvalidAndChangesNothing()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, TestChain.Put(_key, 1, "a", 7, expiry: TestChain.Time - 1));
        Assert.False(result.Valid);
        Assert.Contains("expired", result.Reason);
        Assert.Equal(0, _state.Count);
    }

    [Fact]
    public void Apply_ForAnotherChain_IsInvalid()
    {
        var result = _runtime.Apply(_state, 1, TestChain.Time, TestChain.Put(_key, 1, "a", 7, chain: "other"));
        Assert.False(result.Valid);
        Assert.Equal(0, _state.Count);
    }

    [Fact]
    public void Apply_ContractFailsAfterWriting_LeavesOnlyTheNonce()
    {
        var tx = Transaction.Create(_key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "put-then-fail", new CborMap { ["key"] = "z" });
        var result = _runtime.Apply(_state, 1, TestChain.Time, tx);
        Assert.False(result.Valid);
        Assert.Null(_state.Get("notes/z"));
        Assert.Equal(1UL, ContractRuntime.LastNonce(_state, _key.Account));
    }

    [Fact]
    public void Apply_ContractWritingOutsideItsNamespace_IsInvalid()
    {
        var tx = Transaction.Create(_key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "write-elsewhere", new CborMap());
        var result = _runtime.Apply(_state, 1, TestChain.Time, tx);
        Assert.False(result.Valid);
        Assert.Contains("may not write", result.Reason);
        Assert.Null(_state.Get("other/x"));
    }

    [Theory]
    [InlineData("""{"key": "a"}""", "missing")]
    [InlineData("""{"key": "a", "value": "seven"}""", "whole number")]
    [InlineData("""{"key": "a", "value": 1, "extra": 1}""", "unknown argument")]
    public void CheckAdmission_BadArgumentShapes_AreRefusedBeforeOrdering(string args, string expected)
    {
        var tx = Transaction.Create(_key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "put", CborMapJson.Parse(args));
        Assert.Contains(expected, _runtime.CheckAdmission(_state, tx, TestChain.Time));
    }

    [Fact]
    public void CheckAdmission_ExpiryTooFarAhead_IsRefused()
    {
        var tx = TestChain.Put(_key, 1, "a", 1, expiry: TestChain.Time + ContractRuntime.MaxTimeToLiveMs + 1);
        Assert.Contains("24 hours", _runtime.CheckAdmission(_state, tx, TestChain.Time));
    }

    [Fact]
    public void CheckAdmission_UnknownContractOrAction_IsRefused()
    {
        var tx = Transaction.Create(_key, TestChain.ChainId, 1, TestChain.Time + 1000, "nope", "put", new CborMap());
        Assert.Contains("unknown contract", _runtime.CheckAdmission(_state, tx, TestChain.Time));
        tx = Transaction.Create(_key, TestChain.ChainId, 1, TestChain.Time + 1000, "notes", "nope", new CborMap());
        Assert.Contains("no action", _runtime.CheckAdmission(_state, tx, TestChain.Time));
    }
}
