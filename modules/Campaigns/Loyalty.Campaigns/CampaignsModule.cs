using Loyalty.Campaigns.Persistence;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Campaigns;

/// <summary>Earning rules, segments, campaigns and messaging.</summary>
public sealed class CampaignsModule : LoyaltyModule
{
    public override string Name => CampaignsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<CampaignsDbContext, SqliteCampaignsDbContext, PostgresCampaignsDbContext, SqlServerCampaignsDbContext>(
            configuration, Name);
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
