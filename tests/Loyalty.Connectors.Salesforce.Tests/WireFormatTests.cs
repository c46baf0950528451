using Loyalty.Connectors.Salesforce;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class WireFormatTests
{
    [Fact]
    public void Salesforce_datetimes_with_an_offset_without_colon_are_read()
    {
        Assert.Equal(new DateTimeOffset(2017, 4, 25, 16, 21, 44, TimeSpan.Zero), SalesforceJson.ParseDateTime("2017-04-25T16:21:44.000+0000"));
        Assert.Equal(new DateTimeOffset(2017, 4, 25, 16, 21, 44, TimeSpan.Zero), SalesforceJson.ParseDateTime("2017-04-25T18:21:44.000+0200"));
    }

    [Fact]
    public void The_fake_writes_datetimes_as_salesforce_does()
    {
        Assert.Equal("2017-04-25T16:21:44.000+0000", SalesforceWire.FormatDateTime(new DateTimeOffset(2017, 4, 25, 18, 21, 44, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void A_soql_string_literal_escapes_quotes_and_backslashes()
    {
        Assert.Equal(@"'O\'Brien \\ co'", SalesforceJson.SoqlString(@"O'Brien \ co"));
    }

    [Theory]
    [InlineData("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --", "REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", "LastName")]
    [InlineData("REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:--", "REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]", "")]
    [InlineData("INVALID_EMAIL_ADDRESS:Email: invalid email address: a:b@x:Email --", "INVALID_EMAIL_ADDRESS", "Email: invalid email address", "Email")]
    [InlineData("DUPLICATE_VALUE:duplicate value found: Loyalty_Id__c duplicates value on record with id: 003FK:Loyalty_Id__c,Email --", "DUPLICATE_VALUE", "duplicate value found: Loyalty_Id__c duplicates value on record with id", "Loyalty_Id__c,Email")]
    public void A_bulk_results_sf__Error_is_read_as_code_message_without_the_value_and_fields(string text, string code, string message, string fields)
    {
        var error = SalesforceJson.BulkError(text);

        Assert.Equal((code, message, fields), (error.Code, error.Message, string.Join(',', error.Fields)));
    }
}
