using System.Net;
using System.Text.Json.Nodes;
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

    [Fact]
    public async Task Every_operation_that_takes_a_JSON_body_has_a_summary_and_an_example_body()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        using var client = host.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .Where(o => o.Operation["requestBody"]?["content"]?["application/json"] is not null)
            .ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrEmpty((string?)o.Operation["summary"]), $"{o.Name} has no summary");
            Assert.True(o.Operation["requestBody"]!["content"]!["application/json"]!["example"] is JsonObject, $"{o.Name} has no example body");
        });
        var transaction = document["paths"]!["/api/members/programs/{program}/transactions"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal(("T-1001", 999, "latte"), ((string?)transaction["externalId"], (int?)transaction["total"], (string?)transaction["lines"]![0]!["sku"]));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_or_a_value_of_the_wrong_kind_answers_400_problem_json_saying_what_could_not_be_read()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await Members.MembersApi.CreateAsync(host);

        var notJson = await api.Pos.PostAsync(api.Transactions, new StringContent("{\"externalId\": ", System.Text.Encoding.UTF8, "application/json"));
        var badQuery = await api.Admin.GetAsync($"{api.Members}?after=not-an-id");

        foreach (var response in new[] { notJson, badQuery })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("The request could not be read.", (string?)problem["title"]);
            Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
        }
    }
}
