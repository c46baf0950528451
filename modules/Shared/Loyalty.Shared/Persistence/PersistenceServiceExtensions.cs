using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Loyalty.Shared.Persistence;

/// <summary>A module DbContext as registered: the type modules inject and its schema.</summary>
public sealed record ModuleDbContextRegistration(Type ServiceType, string Schema);

public static class PersistenceServiceExtensions
{
    /// <summary>
    /// Registers a module's DbContext on the configured provider. Each provider has its own derived context type
    /// (<typeparamref name="TSqlite"/>, …) so its migrations live beside the others in the module assembly
    /// (EF Core's "multiple context types" layout); modules inject <typeparamref name="TContext"/>.
    /// Contexts are pooled: a request takes a context that is already set up instead of building one, which is a
    /// good part of a short request's cost. A pooled context must keep no state of its own beyond EF's.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres, TSqlServer>(
        this IServiceCollection services, IConfiguration configuration, string schema)
        where TContext : ModuleDbContext
        where TSqlite : TContext
        where TPostgres : TContext
        where TSqlServer : TContext
    {
        var database = DatabaseOptions.From(configuration);
        var historyTable = "__EFMigrationsHistory";
        switch (database.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextPool<TContext, TSqlite>((sp, options) => options.UseSqlite(
                    ConnectionString(sp, database),
                    sqlite => sqlite.MigrationsHistoryTable($"{schema}_{historyTable}"))
                    .AddInterceptors(SqliteBusyTimeout.Instance, SqliteWriteGate.Instance)
                    .ConfigureCommonOptions());
                break;
            case DatabaseProvider.Postgres:
                services.AddDbContextPool<TContext, TPostgres>((sp, options) => options.UseNpgsql(
                    WithAutoPrepare(ConnectionString(sp, database)),
                    npgsql => npgsql.MigrationsHistoryTable(historyTable, schema))
                    .ConfigureCommonOptions());
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<TContext, TSqlServer>((sp, options) => options.UseSqlServer(
                    ConnectionString(sp, database),
                    sql => sql.MigrationsHistoryTable(historyTable, schema))
                    .ConfigureCommonOptions());
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{database.Provider}'.");
        }

        services.AddSingleton(new ModuleDbContextRegistration(typeof(TContext), schema));
        return services;
    }

    public static IReadOnlyList<ModuleDbContextRegistration> ModuleDbContexts(this IServiceCollection services) =>
        services.Where(d => d.ServiceType == typeof(ModuleDbContextRegistration))
            .Select(d => (ModuleDbContextRegistration)d.ImplementationInstance!)
            .ToList();

    /// <summary>
    /// Every context may carry an <c>Idempotency-Key</c> claimed with its first save (<see cref="IdempotencyClaimMode"/>).
    /// A failed save is not an error in itself: the code that saved either handles it (a race lost to another request,
    /// answered from the winner's row) or lets it reach the exception handler, which logs it once.
    /// <para>
    /// EF Core keeps its built models and compiled queries in one memory cache per process (<see cref="EfCoreCache"/>),
    /// not in the application's: a context options' memory cache is part of the key of EF's internal service provider,
    /// so the application's own cache would make every host in a process (the tests start hundreds) build every
    /// module's model again.
    /// </para>
    /// </summary>
    private static DbContextOptionsBuilder ConfigureCommonOptions(this DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(warnings => warnings.Log((CoreEventId.SaveChangesFailed, LogLevel.Debug)))
            .UseMemoryCache(EfCoreCache)
            .AddInterceptors(IdempotencyClaimInterceptor.Instance);

    private static readonly MemoryCache EfCoreCache = new(new MemoryCacheOptions());

    /// <summary>
    /// Npgsql prepares a statement on a connection once it has run there twice (auto-prepare), so the server parses
    /// and plans the few statements a hot path repeats once per connection instead of on every request. On by default
    /// (64 statements per connection); a connection string that sets <c>Max Auto Prepare</c> decides for itself, and
    /// <c>Max Auto Prepare=0</c> turns it off, as a pooler that cannot keep prepared statements needs.
    /// </summary>
    private static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
        }

        return builder.ConnectionString;
    }

    private static string ConnectionString(IServiceProvider services, DatabaseOptions database) =>
        database.ResolveConnectionString(services.GetRequiredService<IHostEnvironment>().ContentRootPath);
}
