using System.Net;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests;

public sealed class HealthAndOpenApiTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_migrated_host_is_live_and_ready(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_and_reference_are_served_anonymously()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = host.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/members/programs\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/admin/api-keys\"", document, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/")).StatusCode);
    }
}
