using System.Security.Cryptography;
using Loyalty.Connectors.Salesforce;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class AuthenticationTests
{
    [Fact]
    public async Task Client_credentials_sign_in_and_the_data_calls_go_to_the_instance_url_of_the_token()
    {
        await using var sf = await SalesforceFixture.StartAsync();

        var fields = await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        Assert.Contains(fields.Fields, f => f is { Name: "Loyalty_Id__c", ExternalId: true });
        var token = await sf.Client.Session.GetAsync(CancellationToken.None);
        Assert.Equal(sf.Fake.LoginUrl, token.InstanceUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(1, sf.CountRequests("POST /services/oauth2/token"));
    }

    [Fact]
    public async Task Jwt_bearer_signs_the_assertion_with_the_configured_private_key()
    {
        using var key = RSA.Create(2048);
        await using var sf = await SalesforceFixture.StartAsync(
            new FakeSalesforceOptions { JwtSigningKey = key },
            s => s with { AuthFlow = SalesforceAuthFlow.JwtBearer, ClientSecret = null, Username = "integration@example.test", PrivateKeyPem = key.ExportRSAPrivateKeyPem() });

        var fields = await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        Assert.NotEmpty(fields.Fields);
    }

    [Fact]
    public async Task Jwt_bearer_signed_with_another_key_is_refused_with_salesforces_error_code()
    {
        using var trusted = RSA.Create(2048);
        using var other = RSA.Create(2048);
        await using var sf = await SalesforceFixture.StartAsync(
            new FakeSalesforceOptions { JwtSigningKey = trusted },
            s => s with { AuthFlow = SalesforceAuthFlow.JwtBearer, Username = "integration@example.test", PrivateKeyPem = other.ExportRSAPrivateKeyPem() });

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => sf.Client.DescribeAsync("Contact", CancellationToken.None));

        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_token_flow_exchanges_the_configured_refresh_token()
    {
        await using var sf = await SalesforceFixture.StartAsync(
            new FakeSalesforceOptions { RefreshTokens = ["5Aep861-refresh"] },
            s => s with { AuthFlow = SalesforceAuthFlow.RefreshToken, RefreshToken = "5Aep861-refresh" });

        var fields = await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        Assert.NotEmpty(fields.Fields);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_reported_without_the_secret()
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { ClientSecret = "not-the-secret" });

        var error = await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => sf.Client.DescribeAsync("Contact", CancellationToken.None));

        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_session_is_replaced_once_and_the_request_succeeds()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        await sf.Client.DescribeAsync("Contact", CancellationToken.None);
        sf.Fake.FailNext(FakeFault.ExpiredSession);

        var fields = await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        Assert.NotEmpty(fields.Fields);
        Assert.Equal(2, sf.CountRequests("POST /services/oauth2/token"));
    }

    [Fact]
    public async Task A_session_refused_again_right_after_signing_in_fails_instead_of_looping()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.FailNext(FakeFault.ExpiredSession, times: 2);

        await Assert.ThrowsAsync<SalesforceAuthenticationException>(() => sf.Client.DescribeAsync("Contact", CancellationToken.None));

        Assert.Equal(2, sf.CountRequests("POST /services/oauth2/token"));
    }
}
