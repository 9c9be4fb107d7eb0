using System.Net.Http.Headers;
using System.Text;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Tests.Support;
using CareLedger.Vault.Crypto;

namespace CareLedger.Node.Tests.Api;

/// <summary>
/// CBOR the node decodes from strangers — a transaction envelope, the wrapped keys of an upload — cut short at every
/// byte, flipped at every byte, and shaped to hurt a decoder (lengths near 2^31 and 2^64, indefinite lengths, tags,
/// floats, invalid UTF-8, deep nesting): each is a 4xx with problem details, never a 500, and nothing is admitted.
/// </summary>
[Collection(DemoNodeCollection.Name)]
public sealed class CborFuzzTests(DemoNodeFixture demo)
{
    /// <summary>Items a decoder must refuse without trusting what they declare: each replaces a value in a valid map.</summary>
    private static readonly byte[][] HostileItems =
    [
        [0x9A, 0x7F, 0xFF, 0xFF, 0xFF], // an array of 2^31 - 1 items, none sent
        [0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // an array of 2^64 - 1
        [0xBA, 0x7F, 0xFF, 0xFF, 0xFF], // a map of 2^31 - 1 pairs
        [0x5A, 0x7F, 0xFF, 0xFF, 0xFF, 0x00], // a byte string of 2 GiB
        [0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // a text string of 2^64 - 1 bytes
        [0x9F, 0x01, 0xFF], [0xBF, 0x61, 0x61, 0x01, 0xFF], [0x5F, 0x41, 0x00, 0xFF], [0x7F, 0x61, 0x61, 0xFF], // indefinite lengths
        [0x62, 0xFF, 0xFE], [0x63, 0xED, 0xA0, 0x80], // invalid UTF-8, an encoded lone surrogate
        [0xC2, 0x41, 0x01], [0xFB, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0], [0xF7], [0xF6], [0xFF], [0x1C], // a tag, NaN, undefined, null, a lone break, reserved
        [0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // out of 64-bit range
        [0x18, 0x01], // a non-canonical 1
        [.. Enumerable.Repeat((byte)0x81, 10_000), 0x00], // arrays nested 10,000 deep
        [.. Enumerable.Repeat(new byte[] { 0xA1, 0x61, 0x61 }, 5_000).SelectMany(b => b), 0x00], // maps nested 5,000 deep
    ];

    [Fact]
    public async Task Submit_EveryTruncationFlipAndHostileItemInAnEnvelope_Is4xxProblemAndAdmitsNothing()
    {
        var draft = await demo.DraftAsync("patient-jones");
        var envelope = draft.Transfer(demo.Account("dr-rivera"), 1).Sign().Encode();
        var (logged, height) = (demo.Node.Logs.Entries.Count, demo.Node.Chain.Head.Height);
        var wrong = new List<string>();

        foreach (var (what, bytes) in Mutations(envelope).Concat(HostileItems.Select((item, i) => ($"hostile item {i} as the arguments' value",
                     (draft with { Args = new CborMap { ["asset"] = "CARE" } }).Sign().Encode() is var valid ? WithArgument(valid, item) : []))))
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/cbor");
            using var response = await demo.Http.PostAsync("v1/transactions", content);
            if (ErrorAnswer.Wrong(Dialect.Problem, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()) is { } bad)
                wrong.Add($"{what}: {bad}");
        }

        ErrorAnswer.AssertNone(wrong);
        await demo.Client.WaitUntilIdleAsync();
        demo.AssertNothingLoggedAsAnErrorSince(logged);
        await demo.AssertChainVerifiesAsync(since: height, "patient-jones");
    }

    [Fact]
    public async Task UploadGrantKeys_EveryTruncationAndHostileItemInTheKeys_Is400Problem()
    {
        var patient = demo.Keys["patient-jones"];
        var keys = new WrappedKeySet();
        keys.Add("reader", new byte[32]);
        var valid = keys.Encode();
        var logged = demo.Node.Logs.Entries.Count;
        var wrong = new List<string>();

        var cases = Enumerable.Range(0, valid.Length).Select(n => ($"keys cut to {n} bytes", valid[..n]))
            .Concat(HostileItems.Select((item, i) => ($"hostile item {i} as a wrapped key", (byte[])[0xA1, 0x66, .. "reader"u8, .. item])))
            .Concat(HostileItems.Select((item, i) => ($"hostile item {i} as the keys", item)));
        foreach (var (what, bytes) in cases)
        {
            var body = Encoding.UTF8.GetBytes($$"""{"patient":"{{patient.Account}}","keys":"{{Convert.ToBase64String(bytes)}}"}""");
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/records/grants/cbor-fuzz/keys") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TryAddWithoutValidation(RequestSignature.Header,
                RequestSignature.Sign(patient, demo.Audience, "POST", "/v1/records/grants/cbor-fuzz/keys", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), body));
            using var response = await demo.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            // The keys are decoded before the grant is looked up: a 404 would mean they were taken as valid.
            if ((int)response.StatusCode != 400 || ErrorAnswer.Wrong(Dialect.Problem, 400, response.Content.Headers.ContentType?.MediaType, text) is not null)
                wrong.Add($"{what}: {(int)response.StatusCode} {text}");
        }

        ErrorAnswer.AssertNone(wrong);
        demo.AssertNothingLoggedAsAnErrorSince(logged);
    }

    /// <summary>The envelope cut short at every length, and with each byte flipped.</summary>
    private static IEnumerable<(string, byte[])> Mutations(byte[] envelope)
    {
        for (var n = 0; n < envelope.Length; n++) yield return ($"envelope cut to {n} bytes", envelope[..n]);
        for (var i = 0; i < envelope.Length; i++)
        {
            var flipped = (byte[])envelope.Clone();
            flipped[i] ^= 0xFF;
            yield return ($"envelope with byte {i} flipped", flipped);
        }
    }

    /// <summary>
    /// A copy of <paramref name="envelope"/> (whose arguments are {"asset": "CARE"}) with the argument's value replaced by
    /// <paramref name="item"/>, the byte-string lengths around it fixed up: the signature no longer verifies, but the
    /// decoder meets the item before it can know that.
    /// </summary>
    private static byte[] WithArgument(byte[] envelope, byte[] item)
    {
        var care = "dCARE"u8.ToArray();
        var at = envelope.AsSpan().IndexOf(care);
        var reader = new System.Formats.Cbor.CborReader(envelope);
        reader.ReadStartArray();
        var body = reader.ReadByteString();
        var signature = reader.ReadByteString();
        var bodyAt = body.AsSpan().IndexOf(care);
        byte[] newBody = [.. body[..bodyAt], .. item, .. body[(bodyAt + care.Length)..]];
        var writer = new System.Formats.Cbor.CborWriter();
        writer.WriteStartArray(2);
        writer.WriteByteString(newBody);
        writer.WriteByteString(signature);
        writer.WriteEndArray();
        return at < 0 ? throw new InvalidOperationException("no CARE in the envelope") : writer.Encode();
    }
}
