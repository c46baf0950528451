using Loyalty.Members.Programs;

namespace Loyalty.Members.Tests.Programs;

public sealed class CreateProgramRequestTests
{
    [Fact]
    public void A_complete_request_is_valid()
    {
        Assert.True(new CreateProgramRequest("coffee-club", "Coffee Club", "Europe/Berlin", "EUR").Validate().IsEmpty);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("-leading-dash")]
    [InlineData("Upper")]
    [InlineData("with space")]
    [InlineData(null)]
    public void A_code_that_is_not_a_short_lowercase_slug_is_refused(string? code)
    {
        Assert.False(new CreateProgramRequest(code, "Coffee Club", "Europe/Berlin", "EUR").Validate().IsEmpty);
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    public void An_unknown_time_zone_is_refused(string timeZone)
    {
        Assert.False(new CreateProgramRequest("coffee-club", "Coffee Club", timeZone, "EUR").Validate().IsEmpty);
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    public void A_currency_that_is_not_an_ISO_code_is_refused(string currency)
    {
        Assert.False(new CreateProgramRequest("coffee-club", "Coffee Club", "Europe/Berlin", currency).Validate().IsEmpty);
    }
}
