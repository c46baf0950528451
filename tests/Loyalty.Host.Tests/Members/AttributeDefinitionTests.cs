using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Members;

public sealed class AttributeDefinitionTests
{
    private static readonly string[] Milks = ["oat", "soy", "cow"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Enrolment_and_profile_updates_name_each_attribute_that_breaks_the_programs_definitions(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        await DefineAsync(api, "favouriteStore", new { type = "string", maxLength = 10 });
        await DefineAsync(api, "visits", new { type = "integer" });
        await DefineAsync(api, "spend", new { type = "decimal" });
        await DefineAsync(api, "newsletter", new { type = "boolean", required = true });
        await DefineAsync(api, "since", new { type = "date" });
        await DefineAsync(api, "milk", new { type = "enum", allowedValues = Milks });

        var bad = await api.Pos.PostAsJsonAsync(api.Members, new
        {
            externalId = "shop-1",
            email = "not-an-email",
            attributes = new Dictionary<string, string> { ["favouriteStore"] = "berlin-mitte-east", ["visits"] = "12.5", ["spend"] = "12,50", ["since"] = "20.11.2026", ["milk"] = "Oat", ["shoeSize"] = "42" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!;
        Assert.Equal(
            ["attributes.favouriteStore", "attributes.milk", "attributes.newsletter", "attributes.shoeSize", "attributes.since", "attributes.spend", "attributes.visits", "email"],
            problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("At most 10 characters.", Assert.Single(problem.Errors["attributes.favouriteStore"]));
        Assert.Equal("Give a whole number, such as 42.", Assert.Single(problem.Errors["attributes.visits"]));
        Assert.Equal("Use one of: oat, soy, cow.", Assert.Single(problem.Errors["attributes.milk"]));
        Assert.Equal("Required by this program.", Assert.Single(problem.Errors["attributes.newsletter"]));
        Assert.Contains("no attribute 'shoeSize'", Assert.Single(problem.Errors["attributes.shoeSize"]), StringComparison.Ordinal);

        var good = new Dictionary<string, string> { ["favouriteStore"] = "mitte", ["visits"] = "-3", ["spend"] = "12.50", ["newsletter"] = "true", ["since"] = "2026-11-20", ["milk"] = "oat" };
        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", attributes = good });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        var id = (await enrolled.Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;

        var read = await api.Admin.GetAsync($"{api.Members}/{id}");
        using var update = new HttpRequestMessage(HttpMethod.Put, $"{api.Members}/{id}/profile")
        {
            Content = JsonContent.Create(new { attributes = new Dictionary<string, string>(good) { ["newsletter"] = "yes" } }),
        };
        update.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.Tag);
        var updated = await api.Admin.SendAsync(update);
        Assert.Equal(HttpStatusCode.BadRequest, updated.StatusCode);
        Assert.Equal("Give true or false.", Assert.Single((await updated.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors["attributes.newsletter"]));
        Assert.Equal("true", (await api.Admin.GetFromJsonAsync<Profile>($"{api.Members}/{id}"))!.Attributes["newsletter"]);
    }

    [Fact]
    public async Task A_program_without_definitions_keeps_free_form_attributes()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);

        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", attributes = new Dictionary<string, string> { ["anything"] = "goes" } });

        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Empty((await api.Admin.GetFromJsonAsync<List<Definition>>($"/api/members/programs/{api.Program}/attribute-definitions"))!);
    }

    [Fact]
    public async Task Marketers_define_attributes_and_bad_definitions_are_named()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var marketer = await host.ApiKeyClientAsync(Roles.Marketer);
        var support = await host.ApiKeyClientAsync(Roles.Support);
        var definitions = $"/api/members/programs/{api.Program}/attribute-definitions";

        var created = await marketer.PutAsJsonAsync($"{definitions}/milk", new { type = "enum", allowedValues = Milks[..2] });
        var replaced = await marketer.PutAsJsonAsync($"{definitions}/milk", new { type = "enum", allowedValues = Milks, required = true });
        var bad = await marketer.PutAsJsonAsync($"{definitions}/9lives", new { type = "enum", maxLength = 5 });
        var unknownType = await marketer.PutAsJsonAsync($"{definitions}/size", new { type = "shoe" });
        var bySupport = await support.PutAsJsonAsync($"{definitions}/size", new { type = "integer" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(["allowedValues", "key", "maxLength"], (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["type"], (await unknownType.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys);
        Assert.Equal(HttpStatusCode.Forbidden, bySupport.StatusCode);
        var milk = Assert.Single((await support.GetFromJsonAsync<List<Definition>>(definitions))!);
        Assert.Equal(("milk", "enum", true, (int?)null), (milk.Key, milk.Type, milk.Required, milk.MaxLength));
        Assert.Equal(Milks, milk.AllowedValues);

        Assert.Equal(HttpStatusCode.NoContent, (await marketer.DeleteAsync($"{definitions}/milk")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marketer.DeleteAsync($"{definitions}/milk")).StatusCode);
        Assert.Empty((await support.GetFromJsonAsync<List<Definition>>(definitions))!);
    }

    private static async Task DefineAsync(MembersApi api, string key, object definition) =>
        (await api.Admin.PutAsJsonAsync($"/api/members/programs/{api.Program}/attribute-definitions/{key}", definition)).EnsureSuccessStatusCode();

    private sealed record Profile(Dictionary<string, string> Attributes);

    private sealed record Definition(string Key, string Type, bool Required, int? MaxLength, List<string> AllowedValues);
}
