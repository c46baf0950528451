using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Persistence;

internal class ConsentDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "consent";

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteConsentDbContext(DbContextOptions<SqliteConsentDbContext> options) : ConsentDbContext(options);

internal sealed class PostgresConsentDbContext(DbContextOptions<PostgresConsentDbContext> options) : ConsentDbContext(options);

internal sealed class SqlServerConsentDbContext(DbContextOptions<SqlServerConsentDbContext> options) : ConsentDbContext(options);
