using System.Net.Http.Json;
using Loyalty.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace Loyalty.Host.Tests;

/// <summary>The real host, its HTTP pipeline in memory, on a fresh test database with a known admin.</summary>
public sealed class LoyaltyHost : WebApplicationFactory<Program>
{
    public const string AdminUserName = "test-admin";
    public const string AdminPassword = "correct horse battery staple";

    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    private readonly bool _ownsDatabase;

    private readonly bool _schedulerHeld;

    private LoyaltyHost(
        TestDatabase database, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services, bool schedulerHeld, bool ownsDatabase = true)
    {
        _database = database;
        _settings = settings;
        _services = services;
        _schedulerHeld = schedulerHeld;
        _ownsDatabase = ownsDatabase;
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

    /// <param name="services">Changes to the host's services after its own registrations, such as a replaced module service.</param>
    /// <param name="schedulerHeld">
    /// The Quartz scheduler is never started, on this host and on its other nodes: jobs run only when the test runs them
    /// (<see cref="RunJobAsync"/>). Pausing a started scheduler is not enough, as jobs triggered later still fire.
    /// </param>
    public static async Task<LoyaltyHost> StartAsync(
        Loyalty.Shared.Persistence.DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        bool schedulerHeld = false)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var host = new LoyaltyHost(database, settings ?? new Dictionary<string, string?>(), services, schedulerHeld);
        _ = host.Server; // starts the host: migrations, bootstrap admin
        return host;
    }

    /// <summary>The real host on <paramref name="database"/> as it is (for example, one filled by an earlier release); the host drops it when disposed.</summary>
    /// <param name="ownsDatabase">False leaves the database to the test, for a later host on it.</param>
    public static LoyaltyHost StartOn(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, bool ownsDatabase = true)
    {
        var host = new LoyaltyHost(database, settings ?? new Dictionary<string, string?>(), services: null, schedulerHeld: false, ownsDatabase);
        _ = host.Server;
        return host;
    }

    /// <summary>
    /// A second node of the same installation: another host, with its own caches and clock, on this host's database
    /// (which this host drops when disposed).
    /// </summary>
    public LoyaltyHost AnotherNode()
    {
        var node = new LoyaltyHost(_database, _settings, _services, _schedulerHeld, ownsDatabase: false);
        node.Clock.SetUtcNow(Clock.GetUtcNow());
        _ = node.Server;
        return node;
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

        builder.ConfigureServices(LogFileProvider.AddWhenConfigured);

        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            if (_schedulerHeld)
            {
                services.PostConfigureAll<QuartzHostedServiceOptions>(options => options.AutoStart = false);
            }

            _services?.Invoke(services);
        });
    }

    /// <summary>A module's DbContext from <paramref name="services"/> (a scope's), by the module's schema name.</summary>
    public static Loyalty.Shared.Persistence.ModuleDbContext ModuleContext(IServiceProvider services, string schema)
    {
        var registration = services.GetRequiredService<IEnumerable<Loyalty.Shared.Persistence.ModuleDbContextRegistration>>().Single(r => r.Schema == schema);
        return (Loyalty.Shared.Persistence.ModuleDbContext)services.GetRequiredService(registration.ServiceType);
    }

    /// <summary>Runs a scheduled job once, as the scheduler would, in a job scope of its own; <paramref name="stop"/> is the scheduler's shutdown.</summary>
    public async Task RunJobAsync(string group, string job, CancellationToken stop = default)
    {
        var scheduler = await Services.GetRequiredService<ISchedulerFactory>().GetScheduler(CancellationToken.None);
        var jobType = (await scheduler.GetJobDetail(new JobKey(job, group), CancellationToken.None))!.JobType;
        await using var scope = Services.CreateAsyncScope();
        var instance = (IJob)ActivatorUtilities.CreateInstance(scope.ServiceProvider, jobType.Type);
        await instance.Execute(null!, stop);
    }

    /// <summary>Lets the outbox dispatcher, which polls on the host's clock, deliver everything Members has written so far.</summary>
    public async Task DeliverMembersEventsAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            await using var scope = Services.CreateAsyncScope();
            if (!await ModuleContext(scope.ServiceProvider, "members").OutboxMessages
                    .AnyAsync(m => m.Status != Loyalty.Shared.Messaging.OutboxMessageStatus.Delivered))
            {
                return;
            }

            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Xunit.Assert.Fail("The outbox did not deliver the events.");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync();
        }
    }

    private sealed record CreatedKey(string Key);
}
