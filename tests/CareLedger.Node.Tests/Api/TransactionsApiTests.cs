using System.Net;
using System.Net.Http.Json;
using CareLedger.Client.Api;
using CareLedger.Ledger.Wire;
using CareLedger.Contracts.Membership;
using CareLedger.Ledger.Cryptography;
using CareLedger.Ledger.Encoding;
using CareLedger.Node.Tests.Support;

namespace CareLedger.Node.Tests.Api;

[Collection(DemoNodeCollection.Name)]
public sealed class TransactionsApiTests(DemoNodeFixture demo)
{
    [Fact]
    public async Task Submit_WithWait_ReturnsCommittedReceiptWithEvents()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();

        var response = await demo.Client.SubmitAsync(tx, wait: true);

        Assert.Equal("committed", response.Status);
        Assert.Equal(tx.Id.ToString(), response.Id);
        var receipt = response.Receipt!;
        Assert.True(receipt.Valid, receipt.Reason);
        Assert.True(receipt.Height > 2);
        var transferred = Assert.Single(receipt.Events!);
        Assert.Equal("tokens", transferred.Contract);
        Assert.Equal("Transferred", transferred.Name);
        Assert.Equal(1L, transferred.Attributes["amount"]!.GetValue<long>());
        Assert.Equal(demo.Account("dr-rivera").ToString(), transferred.Attributes["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetReceipt_OfCommittedTransaction_MatchesTheSubmitReceipt_ForItsSenderOnly()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();
        var submitted = (await demo.Client.SubmitAsync(tx, wait: true)).Receipt!;

        var receipt = await demo.Client.As(demo.Keys["patient-jones"]).GetReceiptAsync(tx.Id.ToString());
        var anonymous = await demo.Client.GetReceiptAsync(tx.Id.ToString());
        var blockToAnyone = await demo.Client.GetBlockAsync(submitted.Height!.Value.ToString());

        Assert.Equal(("committed", submitted.Height), (anonymous.Status, anonymous.Height));
        Assert.Null(anonymous.Events);
        Assert.Null(anonymous.Valid);
        Assert.DoesNotContain(blockToAnyone.Transactions, t => t.Id == tx.Id.ToString());

        Assert.Equal("committed", receipt.Status);
        Assert.Equal(submitted.Height, receipt.Height);
        Assert.Equal(submitted.Index, receipt.Index);
        Assert.Equal(submitted.BlockHash, receipt.BlockHash);
        Assert.Equal("Transferred", Assert.Single(receipt.Events!).Name);
        var block = await demo.Client.As(demo.Keys["patient-jones"]).GetBlockAsync(receipt.Height!.Value.ToString());
        Assert.Equal(tx.Id.ToString(), block.Transactions[receipt.Index!.Value].Id);
    }

    [Fact]
    public async Task Submit_WithoutWait_Answers202WithLocationAndIsCommittedSoon()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Encode()), wait: false);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/v1/transactions/{tx.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("pending", (await response.Content.ReadFromJsonAsync<SubmitResponse>())!.Status);
        var receipt = await WaitForCommitAsync(tx.Id.ToString());
        Assert.True(receipt.Valid, receipt.Reason);
    }

    [Fact]
    public async Task Submit_AsRawCbor_IsCommitted()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();

        using var response = await demo.PostRawAsync("v1/transactions?wait=true", tx.Encode(), "application/cbor");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("committed", (await response.Content.ReadFromJsonAsync<SubmitResponse>())!.Status);
    }

    [Fact]
    public async Task Submit_RefusedByContract_IsCommittedAsInvalidWithReason()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1_000_000).Sign();

        var response = await demo.Client.SubmitAsync(tx, wait: true);

        Assert.Equal("committed", response.Status);
        Assert.False(response.Receipt!.Valid);
        Assert.Contains("insufficient funds", response.Receipt.Reason);
        Assert.Empty(response.Receipt.Events!);
    }

    [Fact]
    public async Task Submit_BadSignature_Is422WithReasonAndTxId()
    {
        var draft = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1);
        var tx = draft.Sign();
        var forged = tx with { Signature = draft.Transfer(demo.Account("dr-rivera"), 2).Sign().Signature };

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(forged.Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("signature does not verify", ProblemAssert.Detail(problem));
        Assert.Equal(tx.Id.ToString(), problem["txId"]?.GetValue<string>());
        Assert.Equal(draft.Nonce - 1, (await demo.Client.GetAccountAsync(demo.Account("patient-jones"))).LastNonce);
    }

    [Fact]
    public async Task Submit_SameTransactionAgainAfterCommit_Is422Replay()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1).Sign();
        Assert.Equal("committed", (await demo.Client.SubmitAsync(tx, wait: true)).Status);

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("replay refused", ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Submit_Expired_Is422()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1) with
        {
            Expiry = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds(),
        };

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Sign().Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("expired", ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Submit_ExpiryMoreThanADayAhead_Is422()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1) with
        {
            Expiry = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeMilliseconds(),
        };

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Sign().Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("24 hours", ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Submit_ForAnotherChain_Is422()
    {
        var tx = (await demo.DraftAsync("patient-jones")).Transfer(demo.Account("dr-rivera"), 1) with { ChainId = "someone-elses-chain" };

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Sign().Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("someone-elses-chain", ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Submit_FromNonMember_Is422()
    {
        using var stranger = SigningKey.Generate();
        var tx = new TxDraft(stranger, demo.ChainId, 1).Transfer(demo.Account("dr-rivera"), 1).Sign();

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not a member", ProblemAssert.Detail(problem));
    }

    [Theory]
    [InlineData("tokens", "transfer", "argument 'amount' is missing")]
    [InlineData("tokens", "teleport", "has no action 'teleport'")]
    [InlineData("nothing", "transfer", "unknown contract 'nothing'")]
    public async Task Submit_UnknownActionOrBadArguments_Is422(string contract, string action, string reason)
    {
        var noAmount = new CborMap { ["asset"] = "CARE", ["to"] = demo.Account("dr-rivera").ToString() };
        var tx = ((await demo.DraftAsync("patient-jones")) with { Contract = contract, Action = action, Args = noAmount }).Sign();

        using var response = await demo.PostTransactionAsync(Convert.ToBase64String(tx.Encode()));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains(reason, ProblemAssert.Detail(problem));
    }

    [Fact]
    public async Task Submit_RegistrationByClinicAdmin_MakesTheNewcomerAMember()
    {
        using var newcomer = SigningKey.Generate();
        var tx = (await demo.DraftAsync("clinic-admin")).Register(newcomer.Account, Roles.Patient).Sign();

        var response = await demo.Client.SubmitAsync(tx, wait: true);

        Assert.True(response.Receipt!.Valid, response.Receipt.Reason);
        var account = await demo.Client.As(newcomer).GetAccountAsync(newcomer.Account);
        var toAnyone = await demo.Client.GetAccountAsync(newcomer.Account);
        Assert.True(account.Member);
        Assert.Equal("city-clinic", account.Organisation);
        Assert.Equal((true, null, null), (toAnyone.Member, toAnyone.Organisation, toAnyone.Role));
    }

    private async Task<ReceiptDto> WaitForCommitAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var receipt = await demo.Client.As(demo.Keys["patient-jones"]).GetReceiptAsync(id);
            if (receipt.Status == "committed" || DateTime.UtcNow > deadline) return receipt;
            await Task.Delay(20);
        }
    }
}
