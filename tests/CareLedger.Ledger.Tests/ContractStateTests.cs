using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using CareLedger.Ledger.State;

namespace CareLedger.Ledger.Tests;

/// <summary>The typed view of state: records under typed keys, decoded strictly, and decoded once per view.</summary>
public sealed class ContractStateTests
{
    private readonly StateOverlay _state = new(new MemoryState());
    private readonly ContractState _notes;

    public ContractStateTests() => _notes = new ContractState(_state, _state, "notes", ["shop"]);

    private static StateKey<Note> Key(string id) => new("notes/" + id);

    private static Note Sample(long count = 1) => new("hello", count, null, ["x"]);

    [Fact]
    public void PutThenGet_ReturnsTheRecord_AndStoresItsCanonicalEncoding()
    {
        _notes.Put(Key("a"), Sample());

        Assert.Equal(Sample().Text, _notes.Get(Key("a"))?.Text);
        Assert.Equal(CborRecord.Encode(Sample()), _state.Get("notes/a"));
        Assert.True(_notes.Contains(Key("a")));
        Assert.Null(_notes.Get(Key("b")));
        Assert.False(_notes.Contains(Key("b")));
    }

    [Fact]
    public void Get_StoredValueWithAnUnknownField_IsRefused()
    {
        var map = Sample().ToCbor();
        map["extra"] = 1L;
        _state.Set("notes/a", map.Encode());

        Assert.Throws<CborMapException>(() => _notes.Get(Key("a")));
    }

    [Fact]
    public void Get_AfterAnotherWriteOfTheKey_SeesTheNewValue()
    {
        _notes.Put(Key("a"), Sample(1));
        Assert.Equal(1, _notes.Get(Key("a"))!.Count);

        _notes.Put("notes/a", Sample(2).ToCbor());
        Assert.Equal(2, _notes.Get(Key("a"))!.Count);

        _notes.Delete(Key("a"));
        Assert.Null(_notes.Get(Key("a")));
        Assert.False(_notes.Contains(Key("a")));
    }

    [Fact]
    public void Get_Twice_DecodesOnce()
    {
        _state.Set("notes/a", CborRecord.Encode(Sample()));

        Assert.Same(_notes.Get(Key("a")), _notes.Get(Key("a")));
    }

    [Fact]
    public void Get_AfterAnotherViewWroteTheKey_SeesTheNewValue()
    {
        var shop = new ContractState(_state, _state, "shop", ["notes"]);
        _notes.Get(Key("a"));

        shop.Of("notes").Put(Key("a"), Sample(5));

        Assert.Equal(5, _notes.Get(Key("a"))!.Count);
    }

    [Fact]
    public void Scan_ReturnsRecordsInKeyOrder()
    {
        _notes.Put(Key("b"), Sample(2));
        _notes.Put(Key("a"), Sample(1));

        var scanned = _notes.Scan(new StatePrefix<Note>("notes/")).ToList();

        Assert.Equal(["notes/a", "notes/b"], scanned.Select(e => e.Key));
        Assert.Equal([1L, 2L], scanned.Select(e => e.Value.Count));
    }

    [Fact]
    public void Found_EncodesAbsenceAndPresence_AndDecodesStrictly()
    {
        var none = Found.Of<Note>(null).ToCbor();
        var some = Found.Of(Sample()).ToCbor();
        none["text"] = "stray";

        Assert.Equal(new CborMap { ["found"] = false }.Encode(), Found.Of<Note>(null).ToCbor().Encode());
        Assert.True(some.GetBool("found"));
        Assert.Equal(CborRecord.Encode(Sample()), Found<Note>.FromCbor(some).Value!.ToCbor().Encode());
        Assert.Equal("unknown field 'text'", Assert.Throws<CborMapException>(() => Found<Note>.FromCbor(none)).Message);
    }
}
