using CareLedger.Node.Fhir.Smart;

namespace CareLedger.Fhir.Tests;

/// <summary>Which SMART scopes become record types an app may read (ADR 0025): patient-level reads only, never more than asked.</summary>
public class SmartScopesTests
{
    [Theory]
    [InlineData("patient/Observation.rs", "Observation")]
    [InlineData("patient/Observation.r patient/Condition.s", "Condition Observation")]
    [InlineData("patient/Observation.read", "Observation")]
    [InlineData("patient/Observation.cruds", "Observation")]
    [InlineData("patient/Observation.cud patient/Condition.write", "")]
    [InlineData("user/Observation.rs system/Observation.rs openid fhirUser offline_access", "")]
    [InlineData("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory", "")]
    [InlineData("patient/Device.rs patient/Nonsense.rs", "")]
    public void Parse_GrantsReadsOfRecordTypes_AndNothingElse(string scope, string types)
    {
        var parsed = SmartScopes.Parse(scope);

        Assert.Equal(types.Split(' ', StringSplitOptions.RemoveEmptyEntries), parsed.Types.Order());
    }

    [Fact]
    public void Granted_NamesV2ReadsOfTheTypes_AndLaunchPatientWhenAsked()
    {
        var parsed = SmartScopes.Parse("launch/patient patient/*.read");

        Assert.Contains("Observation", parsed.Types);
        Assert.Equal("launch/patient patient/Condition.rs patient/Observation.rs", parsed.Granted(["Observation", "Condition"]));
    }

    [Theory]
    [InlineData("patient/Observation.rs", null)]
    [InlineData("online_access patient/Observation.rs", "online_access")]
    [InlineData("online_access offline_access patient/Observation.rs", "offline_access")]
    public void Parse_OfflineOrOnlineAccess_AsksForARefreshToken_AndIsGrantedBack(string scope, string? refresh)
    {
        var parsed = SmartScopes.Parse(scope);

        Assert.Equal(refresh, parsed.Refresh);
        Assert.Equal(refresh is null ? "patient/Observation.rs" : $"{refresh} patient/Observation.rs", parsed.Granted(parsed.Types));
    }
}
