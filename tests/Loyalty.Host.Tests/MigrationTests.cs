using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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

    [Fact]
    public async Task Moving_the_SQLite_address_table_into_the_member_row_keeps_every_address_both_ways()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var api = await Members.MembersApi.CreateAsync(host);
        var enrolled = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", firstName = "Ada", address = new { line1 = "1 Main St", postalCode = "10117", city = "Berlin", country = "DE" } });
        enrolled.EnsureSuccessStatusCode();
        var member = (await enrolled.Content.ReadFromJsonAsync<Members.MembersApi.MemberView>())!.Id;

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var migrator = LoyaltyHost.ModuleContext(scope.ServiceProvider, "members").GetService<IMigrator>();
            await migrator.MigrateAsync("20261201201145_AddImports");
            await migrator.MigrateAsync();
        }

        var view = await api.Admin.GetFromJsonAsync<MemberWithAddress>($"{api.Members}/{member}");
        Assert.Equal(new Address("1 Main St", null, "10117", "Berlin", "DE"), view!.Address);
    }

    private sealed record Address(string? Line1, string? Line2, string? PostalCode, string? City, string? Country);

    private sealed record MemberWithAddress(Guid Id, Address Address);
}
