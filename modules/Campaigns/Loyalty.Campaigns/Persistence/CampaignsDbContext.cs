using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Persistence;

internal class CampaignsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "campaigns";

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteCampaignsDbContext(DbContextOptions<SqliteCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class PostgresCampaignsDbContext(DbContextOptions<PostgresCampaignsDbContext> options) : CampaignsDbContext(options);

internal sealed class SqlServerCampaignsDbContext(DbContextOptions<SqlServerCampaignsDbContext> options) : CampaignsDbContext(options);
