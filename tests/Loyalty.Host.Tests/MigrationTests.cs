using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace Loyalty.Host.Tests;

public sealed class MigrationTests
{
    /// <summary>
    /// Every module's committed migrations match its model on every provider. Needs no server: the model diff is
    /// computed offline, so this also guards SQL Server, which cannot run here.
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=unused.db")]
    [InlineData(DatabaseProvider.Postgres, "Host=unused;Database=unused")]
    [InlineData(DatabaseProvider.SqlServer, "Server=unused;Database=unused")]
    public void Every_module_has_migrations_for_its_current_model(DatabaseProvider provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Database:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = Path.GetTempPath() });
        services.AddModules(configuration, LoyaltyModules.All);
        using var provided = services.BuildServiceProvider();
        using var scope = provided.CreateScope();

        var contexts = provided.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>().ToList();
        Assert.Equal(LoyaltyModules.All.Count, contexts.Count);
        foreach (var registration in contexts)
        {
            var db = (DbContext)scope.ServiceProvider.GetRequiredService(registration.ServiceType);
            Assert.NotEmpty(db.Database.GetMigrations());
            Assert.False(db.Database.HasPendingModelChanges(), $"{registration.Schema} on {provider}: run host/add-migration.sh for the model change.");
        }
    }
}
