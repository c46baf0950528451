using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Persistence;

internal class RewardsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "rewards";

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteRewardsDbContext(DbContextOptions<SqliteRewardsDbContext> options) : RewardsDbContext(options);

internal sealed class PostgresRewardsDbContext(DbContextOptions<PostgresRewardsDbContext> options) : RewardsDbContext(options);

internal sealed class SqlServerRewardsDbContext(DbContextOptions<SqlServerRewardsDbContext> options) : RewardsDbContext(options);
