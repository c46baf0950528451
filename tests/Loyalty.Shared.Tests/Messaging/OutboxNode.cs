using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Shared.Tests.Messaging;

/// <summary>
/// One "process" of the application: its own service provider on the shared test database.
/// Disposing it without dispatching is a crash between commit and delivery; a new node is the restart.
/// </summary>
public sealed class OutboxNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private OutboxNode(ServiceProvider services) => _services = services;

    public HandlerFailures Failures => _services.GetRequiredService<HandlerFailures>();

    public static async Task<OutboxNode> StartAsync(TestDatabase database, TimeProvider clock, bool withWarehouse = false, int maxAttempts = 3)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Outbox:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Outbox:FirstRetryDelay"] = "00:00:10",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        services.AddSingleton<HandlerFailures>();
        services.AddModules(configuration, [new PublisherModule(), new SubscriberModule(withWarehouse)]);
        var node = new OutboxNode(services.BuildServiceProvider());
        await node.EnsureSchemaAsync();
        return node;
    }

    public Task<int> DispatchAsync() => _services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None);

    public async Task<T> WithAsync<TContext, T>(Func<TContext, Task<T>> work)
        where TContext : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TContext>());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private async Task EnsureSchemaAsync()
    {
        // Test modules have no migrations; creating tables from the model is enough, one schema at a time.
        await using var scope = _services.CreateAsyncScope();
        foreach (var context in new DbContext[] { scope.ServiceProvider.GetRequiredService<PublisherDbContext>(), scope.ServiceProvider.GetRequiredService<SubscriberDbContext>() })
        {
            var creator = (RelationalDatabaseCreator)context.GetService<IDatabaseCreator>();
            if (!await creator.ExistsAsync())
            {
                await creator.CreateAsync();
            }

            if (!await TablesExistAsync(context))
            {
                await creator.CreateTablesAsync();
            }
        }
    }

    private static async Task<bool> TablesExistAsync(DbContext context)
    {
        try
        {
            await context.Set<OutboxMessage>().AnyAsync();
            return true;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException)
        {
            return false;
        }
    }
}
