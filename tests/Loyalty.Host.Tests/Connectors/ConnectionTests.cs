using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Connectors;

/// <summary>
/// Connections through the API, on a plugins folder holding the CSV connector as built plus a copy whose manifest
/// adds a secret setting, and a broken plugin.
/// </summary>
public sealed class ConnectionTests : IDisposable
{
    private const string Secret = "s3cret-api-key-that-must-not-leak";
    private readonly string _plugins = Directory.CreateTempSubdirectory("host-plugins-").FullName;
    private readonly string _csvFolder = Directory.CreateTempSubdirectory("host-csv-").FullName;

    public ConnectionTests()
    {
        var built = Path.Combine(AppContext.BaseDirectory, "plugins", "Loyalty.Connectors.CsvFolder");
        var withSecret = Copy(built, "csv-with-secret");
        var manifest = Path.Combine(withSecret, "connector.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest)
            .Replace("\"id\": \"csv-folder\"", "\"id\": \"csv-secret\"", StringComparison.Ordinal)
            .Replace("\"configuration\": [", "\"configuration\": [ { \"name\": \"apiKey\", \"required\": true, \"secret\": true },", StringComparison.Ordinal));
        Copy(built, "csv");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_plugins, "broken")).FullName, "connector.json"), "{ not json");
        File.WriteAllText(Path.Combine(_csvFolder, "contacts.csv"), "Id,ModifiedAt,IsDeleted,LoyaltyId,Email\n");
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_secret_setting_is_stored_encrypted_and_never_returned(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();

        var created = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-secret", settings = new { folder = _csvFolder, apiKey = Secret } });
        var connection = await created.Content.ReadFromJsonAsync<ConnectionView>();
        var updated = await admin.PutAsJsonAsync($"/api/connectors/connections/{connection!.Id}", new { settings = new { folder = _csvFolder } });
        var list = await admin.GetStringAsync("/api/connectors/connections");
        var check = await admin.PostAsync($"/api/connectors/connections/{connection.Id}/check", null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["apiKey"], connection.SecretsSet);
        Assert.Equal([_csvFolder], connection.Settings.Values);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(["apiKey"], (await updated.Content.ReadFromJsonAsync<ConnectionView>())!.SecretsSet);
        Assert.DoesNotContain(Secret, list, StringComparison.Ordinal);
        Assert.True((await check.Content.ReadFromJsonAsync<CheckView>())!.Succeeded);
        await using var scope = host.Services.CreateAsyncScope();
        var db = LoyaltyHost.ModuleContext(scope.ServiceProvider, "connectors");
        var entity = db.Model.GetEntityTypes().Single(e => e.ClrType.Name == "Connection");
        var table = entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";
        var sql = "SELECT \"ProtectedSecrets\" AS \"Value\" FROM " + table;
        var stored = await db.Database.SqlQueryRaw<string>(sql).SingleAsync();
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("apiKey", stored, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bad_settings_are_refused_naming_each_setting_and_a_repeat_answers_the_first_connection(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();

        var missing = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-secret", settings = new { colour = "red" } });
        var unknownConnector = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "nope", settings = new { } });
        var first = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-folder", settings = new { folder = _csvFolder } });
        var repeat = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-folder", settings = new { folder = _csvFolder } });
        var otherConnector = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-secret", settings = new { folder = _csvFolder, apiKey = "k" } });

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["settings.apiKey", "settings.colour", "settings.folder"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("The setting is required.", errors.GetProperty("settings.folder")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownConnector.StatusCode);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal((await first.Content.ReadFromJsonAsync<ConnectionView>())!.Id, (await repeat.Content.ReadFromJsonAsync<ConnectionView>())!.Id);
        Assert.Equal(HttpStatusCode.Conflict, otherConnector.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Admins_see_loaded_and_failed_plugins_and_the_objects_of_a_connection(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();

        var plugins = await admin.GetFromJsonAsync<List<PluginView>>("/api/connectors/plugins");
        var settings = (await admin.GetFromJsonAsync<JsonElement>("/api/connectors/plugins"))[1].GetProperty("configuration");
        var health = await admin.GetStringAsync("/health/ready");
        var created = await admin.PostAsJsonAsync("/api/connectors/connections", new { name = "crm", connectorId = "csv-folder", settings = new { folder = _csvFolder } });
        var id = (await created.Content.ReadFromJsonAsync<ConnectionView>())!.Id;
        var objects = await admin.GetFromJsonAsync<JsonElement>($"/api/connectors/connections/{id}/objects");

        Assert.NotNull(plugins);
        Assert.Equal([("broken", "failed"), ("csv", "loaded"), ("csv-with-secret", "loaded")], plugins.Select(p => (p.Folder, p.Status)));
        Assert.StartsWith("connector.json is not valid", plugins[0].Error, StringComparison.Ordinal);
        Assert.Equal(["string", "string"], settings.EnumerateArray().Select(p => p.GetProperty("type").GetString()));
        Assert.Equal("Degraded", health);
        Assert.Equal("contacts", objects[0].GetProperty("name").GetString());
    }

    public void Dispose()
    {
        Directory.Delete(_plugins, recursive: true);
        Directory.Delete(_csvFolder, recursive: true);
    }

    private Task<LoyaltyHost> StartAsync(DatabaseProvider provider) =>
        LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["Modules:Connectors:PluginsPath"] = _plugins });

    private string Copy(string from, string name)
    {
        var target = Directory.CreateDirectory(Path.Combine(_plugins, name)).FullName;
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    private sealed record ConnectionView(Guid Id, string Name, Dictionary<string, string?> Settings, List<string> SecretsSet);

    private sealed record CheckView(bool Succeeded, string? Message);

    private sealed record PluginView(string Folder, string Status, string? Error);
}
