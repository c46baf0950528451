using System.Net.Http.Json;
using Loyalty.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Host.Tests;

/// <summary>The real host, its HTTP pipeline in memory, on a fresh test database with a known admin.</summary>
public sealed class LoyaltyHost : WebApplicationFactory<Program>
{
    public const string AdminUserName = "test-admin";
    public const string AdminPassword = "correct horse battery staple";

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private LoyaltyHost(TestDatabase database, IReadOnlyDictionary<string, string?> settings)
    {
        _database = database;
        _settings = settings;
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public static async Task<LoyaltyHost> StartAsync(Loyalty.Shared.Persistence.DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var host = new LoyaltyHost(database, settings ?? new Dictionary<string, string?>());
        _ = host.Server; // starts the host: migrations, bootstrap admin
        return host;
    }

    /// <summary>A client with the bootstrap admin's sign-in cookie.</summary>
    public async Task<HttpClient> SignedInAdminAsync()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var response = await client.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = AdminUserName, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Creates an API key with <paramref name="roles"/> and returns a client that sends it.</summary>
    public async Task<HttpClient> ApiKeyClientAsync(params string[] roles)
    {
        using var admin = await SignedInAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = $"test-{Guid.NewGuid():N}", roles });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<CreatedKey>();
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", created!.Key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _database.Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Bootstrap:AdminUserName", AdminUserName);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed record CreatedKey(string Key);
}
