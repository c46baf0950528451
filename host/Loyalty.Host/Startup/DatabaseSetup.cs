using System.Security.Cryptography;
using Loyalty.Administration.Contracts;
using Loyalty.Host.Jobs;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Host.Startup;

/// <summary>What a node does with its database before it takes traffic, and what the command verbs reuse.</summary>
internal static class DatabaseSetup
{
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var database = DatabaseOptions.From(app.Configuration);
        if (database.MigrateOnStartup)
        {
            await MigrateAsync(app.Services, app.Configuration);
        }

        await BootstrapAdminAsync(app.Services, app.Configuration);
        if (app.Configuration.GetValue<bool>("Demo:SeedOnStartup"))
        {
            await SeedDemoAsync(app.Services);
        }
    }

    /// <summary>
    /// Applies every module's pending migrations (EF Core takes a database lock, so nodes starting together are safe)
    /// and creates the Quartz tables on PostgreSQL and SQL Server.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var first = true;
        foreach (var registration in scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>())
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ServiceType);
            if (first && db.Database.IsSqlite())
            {
                await UseWriteAheadLogAsync(db, cancellationToken);
            }

            first = false;
            await db.Database.MigrateAsync(cancellationToken);
        }

        await JobScheduling.ProvisionSchemaAsync(configuration, cancellationToken);
    }

    /// <summary>On a fresh install, the first admin: from configuration, or with a generated password printed once.</summary>
    public static async Task BootstrapAdminAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<IAdminUsers>();
        if (await users.AnyAsync(cancellationToken))
        {
            return;
        }

        var userName = configuration["Bootstrap:AdminUserName"] is { Length: > 0 } name ? name : "admin";
        var configured = configuration["Bootstrap:AdminPassword"];
        var password = string.IsNullOrEmpty(configured) ? GeneratePassword() : configured;
        var result = await users.CreateAsync(userName, password, [Roles.Admin], cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Bootstrap admin: {result.Field}: {result.Error}");
        }

        // Written to the console, not the log: it is a credential, shown once to whoever starts the first node.
        Console.WriteLine($"First run: created admin user '{userName}'" +
            (string.IsNullOrEmpty(configured) ? $" with password '{password}'. Change it with POST /api/admin/auth/change-password after signing in." : " with the configured password."));
    }

    public static async Task SeedDemoAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        foreach (var seeder in scope.ServiceProvider.GetRequiredService<IEnumerable<IDemoDataSeeder>>())
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }

    internal static string GeneratePassword() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    private static async Task UseWriteAheadLogAsync(DbContext db, CancellationToken cancellationToken)
    {
        // WAL lets readers go on while one writer commits; the mode is stored in the file, so once is enough.
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        await connection.CloseAsync();
    }
}
