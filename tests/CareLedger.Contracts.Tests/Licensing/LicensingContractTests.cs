using CareLedger.Contracts.Licensing;
using CareLedger.Contracts.Membership;
using CareLedger.Contracts.Tests.Support;
using CareLedger.Ledger.Encoding;
using CareLedger.Ledger.Runtime;
using static CareLedger.Contracts.Tests.Support.TestConsortium;

namespace CareLedger.Contracts.Tests.Licensing;

public sealed class LicensingContractTests : IDisposable
{
    private readonly TestConsortium _chain = ConsortiumBuilder.Standard().Build();

    public void Dispose() => _chain.Dispose();

    private long T0 => ConsortiumBuilder.GenesisTime;

    [Theory]
    [InlineData("dr-rivera")]
    [InlineData("pharmacist-chen")]
    public void Issue_ByLicensingAuthorityAdmin_RecordsLicenceForPractitionerOrPharmacist(string holder)
    {
        var account = _chain.Account(holder);

        var result = _chain.Issue("board-admin", LicenceIssue.For(account, T0) with { Specialty = "cardiology" });

        Verdict.Valid(result);
        Assert.Equal("LicenceIssued", Assert.Single(result.Events).Name);
        var licence = _chain.Get(Licence.Key(account))!;
        Assert.Equal("cardiology", licence.Specialty);
        Assert.Equal("medical-board", licence.Issuer);
        Assert.Null(_chain.LicenceProblem(account, _chain.Time));
    }

    [Theory]
    [InlineData("clinic-admin")]
    [InlineData("pharmacy-admin")]
    [InlineData("dr-rivera")]
    public void Issue_BySomeoneOtherThanAnAuthorityAdmin_IsRefused(string sender)
    {
        var doctor = _chain.Account("dr-rivera");

        var result = _chain.Issue(sender, LicenceIssue.For(doctor, T0));

        Verdict.Refused(result, "only an");
        Assert.Null(_chain.Get(Licence.Key(doctor)));
        Assert.Contains("holds no licence", _chain.LicenceProblem(doctor, _chain.Time));
    }

    [Fact]
    public void Issue_ByClinicAdmin_IsRefusedAsNotTheLicensingAuthority()
    {
        var result = _chain.Issue("clinic-admin", LicenceIssue.For(_chain.Account("dr-rivera"), T0));

        Verdict.Refused(result, "only an admin of a licensing-authority organisation");
    }

    [Theory]
    [InlineData("patient-jones")]
    [InlineData("clinic-admin")]
    public void Issue_ToMemberWhoIsNeitherPractitionerNorPharmacist_IsRefused(string holder)
    {
        var result = _chain.Issue("board-admin", LicenceIssue.For(_chain.Account(holder), T0));

        Verdict.Refused(result, "only practitioners and pharmacists are licensed");
        Assert.Null(_chain.Get(Licence.Key(_chain.Account(holder))));
    }

    [Fact]
    public void Issue_ToNonMember_IsRefused()
    {
        var result = _chain.Issue("board-admin", LicenceIssue.For(_chain.Outsider("quack"), T0));

        Verdict.Refused(result, "not a member");
    }

    [Fact]
    public void Issue_ValidUntilNotAfterValidFrom_IsRefused()
    {
        var result = _chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), T0 + Day, T0 + Day));

        Verdict.Refused(result, "validUntil must be after validFrom");
    }

    [Fact]
    public void Issue_AlreadyExpiredAtBlockTime_IsRefused()
    {
        _chain.Advance(10 * Day);

        var result = _chain.Issue("board-admin", new LicenceIssue(_chain.Account("dr-rivera"), T0, T0 + Day));

        Verdict.Refused(result, "would already have expired");
    }

    [Theory]
    [InlineData(-1, "not yet valid")]
    [InlineData(0, null)]
    [InlineData(15, null)]
    [InlineData(30, null)]
    [InlineData(31, "expired")]
    public void Check_AtTimeRelativeToValidity_AnswersAsOfThatTime(int dayOffsetFromValidFrom, string? expectedProblem)
    {
        // Valid from day 10 to day 40; an offset of -1 means a millisecond before day 10, 31 a millisecond after day 40.
        var from = T0 + 10 * Day;
        var until = from + 30 * Day;
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(doctor, from, until)));
        var at = dayOffsetFromValidFrom switch
        {
            -1 => from - 1,
            31 => until + 1,
            _ => from + dayOffsetFromValidFrom * Day,
        };

        var problem = _chain.LicenceProblem(doctor, at);

        if (expectedProblem is null) Assert.Null(problem);
        else Assert.Contains(expectedProblem, problem);
    }

    [Fact]
    public void Check_AfterRevocation_IsInvalidFromTheRevocationBlockTimeButValidBefore()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(doctor, T0)));
        _chain.Advance(20 * Day);
        var revokedAt = _chain.Time;

        var result = _chain.Revoke("board-admin", doctor, "malpractice");

        Verdict.Valid(result);
        Assert.Equal("LicenceRevoked", Assert.Single(result.Events).Name);
        Assert.Null(_chain.LicenceProblem(doctor, revokedAt - 1));
        Assert.Contains("revoked: malpractice", _chain.LicenceProblem(doctor, revokedAt));
        Assert.Contains("revoked", _chain.LicenceProblem(doctor, revokedAt + 30 * Day));
    }

    [Fact]
    public void Revoke_ByClinicAdmin_IsRefusedAndLicenceStaysValid()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(doctor, T0)));

        var result = _chain.Revoke("clinic-admin", doctor);

        Verdict.Refused(result, "licensing-authority");
        Assert.Null(_chain.LicenceProblem(doctor, _chain.Time + Day));
    }

    [Fact]
    public void Revoke_AlreadyRevoked_IsRefusedAndKeepsTheFirstRevocationTime()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(doctor, T0)));
        _chain.Advance(Day);
        Verdict.Valid(_chain.Revoke("board-admin", doctor));
        var firstRevocation = _chain.Time;
        _chain.Advance(Day);

        var result = _chain.Revoke("board-admin", doctor);

        Verdict.Refused(result, "already revoked");
        Assert.Contains("revoked", _chain.LicenceProblem(doctor, firstRevocation));
    }

    [Fact]
    public void Revoke_PractitionerWithoutLicence_IsRefused()
    {
        var result = _chain.Revoke("board-admin", _chain.Account("dr-rivera"));

        Verdict.Refused(result, "holds no licence");
    }

    [Fact]
    public void Issue_AgainBeforeExpiry_RenewsTheLicence()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(doctor, T0, T0 + 30 * Day)));
        _chain.Advance(25 * Day);

        var result = _chain.Issue("board-admin", new LicenceIssue(doctor, T0 + 30 * Day, T0 + 395 * Day));

        Verdict.Valid(result);
        Assert.Null(_chain.LicenceProblem(doctor, T0 + 100 * Day));
        Assert.Contains("expired", _chain.LicenceProblem(doctor, T0 + 396 * Day));
    }

    [Fact]
    public void Issue_AfterRevocation_LicencesThePractitionerAgain()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(doctor, T0)));
        _chain.Advance(Day);
        Verdict.Valid(_chain.Revoke("board-admin", doctor));
        _chain.Advance(Day);

        var result = _chain.Issue("board-admin", LicenceIssue.For(doctor, _chain.Time));

        Verdict.Valid(result);
        Assert.Null(_chain.LicenceProblem(doctor, _chain.Time + Day));
    }

    [Fact]
    public void Query_Verify_AnswersForTheGivenTime()
    {
        var doctor = _chain.Account("dr-rivera");
        Verdict.Valid(_chain.Issue("board-admin", new LicenceIssue(doctor, T0, T0 + 30 * Day)));

        var now = _chain.Query<LicenceVerdict>("licensing", "verify", new CborMap { ["practitioner"] = doctor.ToString() });
        var later = _chain.Query<LicenceVerdict>("licensing", "verify", new CborMap { ["practitioner"] = doctor.ToString(), ["at"] = T0 + 31 * Day });

        Assert.True(now.Valid);
        Assert.Equal(_chain.Time, now.At);
        Assert.Equal("general-practice", now.Licence?.Specialty);
        Assert.False(later.Valid);
        Assert.Contains("expired", later.Reason);
    }

    [Fact]
    public void Query_VerifyUnlicensedMember_IsNotValid()
    {
        var answer = _chain.Query<LicenceVerdict>("licensing", "verify", new CborMap { ["practitioner"] = _chain.Account("dr-rivera").ToString() });

        Assert.False(answer.Valid);
        Assert.Null(answer.Licence);
        Assert.Equal(Roles.Practitioner,
            _chain.Query<Found<Member>>("membership", "member", new CborMap { ["account"] = _chain.Account("dr-rivera").ToString() }).Value?.Role);
    }

    [Fact]
    public void Query_Licences_ListsEveryLicenceIssued_RevokedOnesToo_ToAnyone()
    {
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(_chain.Account("dr-rivera"), T0)));
        Verdict.Valid(_chain.Issue("board-admin", LicenceIssue.For(_chain.Account("pharmacist-chen"), T0)));
        Verdict.Valid(_chain.Revoke("board-admin", _chain.Account("pharmacist-chen"), "struck off"));

        var licences = _chain.QueryAs<LicenceList>("dr-rivera", "licensing", "licences", new CborMap())!.Licences;

        Assert.Equal(new[] { _chain.Account("dr-rivera"), _chain.Account("pharmacist-chen") }.Order(), licences.Select(l => l.Practitioner));
        Assert.Equal("struck off", licences.Single(l => l.Revoked).RevokeReason);
    }
}
