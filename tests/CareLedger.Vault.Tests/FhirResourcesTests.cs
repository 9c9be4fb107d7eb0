using CareLedger.Vault.Fhir;

namespace CareLedger.Vault.Tests;

public class FhirResourcesTests
{
    [Fact]
    public void Parse_ValidObservation_Succeeds()
    {
        var result = FhirResources.Parse("""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
             "subject":{"reference":"Patient/p1"},"valueQuantity":{"value":72,"unit":"/min"}}
            """);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal("Patient/p1", FhirResources.SubjectReference(result.Resource!));
    }

    [Fact]
    public void Parse_ReportsEveryProblemAtOnce()
    {
        var result = FhirResources.Parse("""{"resourceType":"Observation","status":"bogus","foo":1}""");
        Assert.False(result.IsValid);
        Assert.True(result.Errors.Count >= 2, string.Join("; ", result.Errors));
        Assert.Contains(result.Errors, e => e.Contains("bogus"));
        Assert.Contains(result.Errors, e => e.Contains("foo"));
    }

    [Fact]
    public void Parse_ResourceTypeARecordCannotHold_IsRefused()
    {
        var result = FhirResources.Parse("""{"resourceType":"Organization","name":"x"}""");
        Assert.False(result.IsValid);
        Assert.Contains("cannot hold", Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Parse_Garbage_GivesErrorsNotExceptions(string json)
    {
        var result = FhirResources.Parse(json);
        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Errors);
    }
}
