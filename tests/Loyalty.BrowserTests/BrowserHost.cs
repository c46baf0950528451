using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>The real host on a real Kestrel port of 127.0.0.1, on a fresh test database, so that a browser can reach it.</summary>
public sealed class BrowserHost : WebApplicationFactory<Program>
{
    public const string AdminUserName = "browser-admin";
    public const string AdminPassword = "correct horse battery staple";

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private BrowserHost(TestDatabase database, IReadOnlyDictionary<string, string?>? settings)
    {
        _database = database;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    public Uri Address { get; private set; } = null!;

    /// <param name="settings">More configuration, such as an SMTP server's (SmtpSink.Settings).</param>
    public static async Task<BrowserHost> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = new BrowserHost(await TestDatabase.CreateAsync(provider), settings);
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        host.Address = new Uri(addresses.Single());
        return host;
    }

    /// <summary>A client of the real port with an API key of <paramref name="roles"/>.</summary>
    public async Task<HttpClient> ApiKeyClientAsync(params string[] roles)
    {
        using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address };
        (await admin.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = AdminUserName, password = AdminPassword })).EnsureSuccessStatusCode();
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = $"browser-{Guid.NewGuid():N}", roles });
        response.EnsureSuccessStatusCode();
        var key = (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Key;
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>Signs <paramref name="userName"/> in on the admin UI's sign-in page and waits for the dashboard.</summary>
    public async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync(new Uri(Address, "/admin/sign-in").ToString());
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
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
        // Erasure refuses to run without it (the suppression list's key).
        builder.UseSetting("Modules:Consent:SuppressionSecret", "a browser test suppression secret of 32+ characters");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        // Its log goes where the hosts of Loyalty.Host.Tests write theirs: CI searches them all for personal data.
        builder.ConfigureServices(LogFileProvider.AddWhenConfigured);

        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed record CreatedKey(string Key);
}
