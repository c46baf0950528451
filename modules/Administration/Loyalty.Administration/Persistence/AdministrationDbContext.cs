using Loyalty.Administration.ApiKeys;
using Loyalty.Administration.Users;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.Persistence;

internal class AdministrationDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName), IDataProtectionKeyContext
{
    public const string SchemaName = "admin";

    public DbSet<AdminUser> Users => Set<AdminUser>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary>The installation's Data Protection key ring, shared by all nodes.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        AdminUser.Configure(modelBuilder);
        ApiKey.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteAdministrationDbContext(DbContextOptions<SqliteAdministrationDbContext> options) : AdministrationDbContext(options);

internal sealed class PostgresAdministrationDbContext(DbContextOptions<PostgresAdministrationDbContext> options) : AdministrationDbContext(options);

internal sealed class SqlServerAdministrationDbContext(DbContextOptions<SqlServerAdministrationDbContext> options) : AdministrationDbContext(options);
