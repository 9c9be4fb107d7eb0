using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;

namespace CareLedger.Ledger.Tests;

/// <summary>A record for exercising the codec helpers: a required text and count, an optional author, and a list of tags.</summary>
public sealed record Note(string Text, long Count, AccountId? Author, IReadOnlyList<string> Tags) : ICborRecord<Note>
{
    public CborMap ToCbor()
    {
        var map = new CborMap { ["text"] = Text, ["count"] = Count, ["tags"] = Tags };
        if (Author is { } author) map["author"] = author.ToString();
        return map;
    }

    public static Note FromCbor(CborMap map) =>
        CborFields.Read(map, static f => new Note(f.Text("text"), f.Int("count"), f.OptionalAccount("author"), f.Texts("tags")));
}

public sealed class CborFieldsTests
{
    private static readonly AccountId Alice = AccountId.FromPublicKey([1]);

    private static CborMap NoteMap() => new() { ["text"] = "hello", ["count"] = 3L, ["author"] = Alice.ToString(), ["tags"] = new List<object> { "a", "b" } };

    [Fact]
    public void Read_EveryFieldKnown_BuildsTheRecord()
    {
        var note = Note.FromCbor(NoteMap());

        Assert.Equal(("hello", 3L, Alice), (note.Text, note.Count, note.Author));
        Assert.Equal(["a", "b"], note.Tags);
    }

    [Fact]
    public void End_UnknownFields_ThrowsNamingThem()
    {
        var map = NoteMap();
        map["colour"] = "blue";
        map["size"] = 2L;

        var error = Assert.Throws<CborMapException>(() => Note.FromCbor(map));

        Assert.Equal("unknown field 'colour', 'size'", error.Message);
    }

    [Fact]
    public void Text_MissingField_ThrowsNamingIt()
    {
        var map = NoteMap();
        map.Remove("text");

        Assert.Equal("'text' is missing", Assert.Throws<CborMapException>(() => Note.FromCbor(map)).Message);
    }

    [Fact]
    public void Int_FieldOfAnotherType_ThrowsNamingIt()
    {
        var map = NoteMap();
        map["count"] = "three";

        Assert.Equal("'count' must be an integer", Assert.Throws<CborMapException>(() => Note.FromCbor(map)).Message);
    }

    [Fact]
    public void OptionalAccount_Absent_IsNull()
    {
        var map = NoteMap();
        map.Remove("author");

        Assert.Null(Note.FromCbor(map).Author);
    }

    [Fact]
    public void OptionalAccount_PresentButUppercase_IsRefused()
    {
        var map = NoteMap();
        map["author"] = Alice.ToString().ToUpperInvariant();

        Assert.Equal("'author' must be an account id (64 lowercase hex characters)", Assert.Throws<CborMapException>(() => Note.FromCbor(map)).Message);
    }

    [Fact]
    public void Texts_ListHoldingANumber_IsRefused()
    {
        var map = NoteMap();
        map["tags"] = new List<object> { "a", 2L };

        Assert.Equal("'tags' must be a list of text", Assert.Throws<CborMapException>(() => Note.FromCbor(map)).Message);
    }

    [Fact]
    public void Records_ListOfMaps_DecodesEachStrictly()
    {
        var map = new CborMap { ["notes"] = new List<object> { NoteMap(), NoteMap() } };

        var notes = CborFields.Read(map, static f => f.Records<Note>("notes"));
        map["notes"] = new List<object> { NoteMap(), "not a map" };

        Assert.Equal(2, notes.Count);
        Assert.Equal("'notes' must be a list of maps", Assert.Throws<CborMapException>(() => CborFields.Read(map, static f => f.Records<Note>("notes"))).Message);
    }

    [Fact]
    public void Entries_MapOfMaps_ComeInOrdinalNameOrder()
    {
        var map = new CborMap { ["by"] = new CborMap { ["zed"] = NoteMap(), ["amy"] = NoteMap(), ["Bob"] = NoteMap() } };

        var entries = CborFields.Read(map, static f => f.Entries<Note>("by"));

        Assert.Equal(["Bob", "amy", "zed"], entries.Keys);
    }

    [Fact]
    public void Rest_UnreadFields_ComeAsTheirOwnMapAndCountAsRead()
    {
        var map = NoteMap();
        map["extra"] = true;

        var (extra, rest) = CborFields.Read(map, static f => (f.Bool("extra"), f.Rest()));

        Assert.True(extra);
        Assert.Equal(NoteMap().Encode(), rest.Encode());
    }

    [Fact]
    public void Decode_OfEncodedRecord_RoundTripsByteForByte()
    {
        var note = new Note("hi", -1, null, []);

        var bytes = CborRecord.Encode(note);

        Assert.Equal(bytes, CborRecord.Encode(CborRecord.Decode<Note>(bytes)));
    }
}
