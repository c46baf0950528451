using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Rewards;

/// <summary>The rewards catalog, redemptions and vouchers.</summary>
public sealed class RewardsModule : LoyaltyModule
{
    public override string Name => RewardsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<RewardsDbContext, SqliteRewardsDbContext, PostgresRewardsDbContext, SqlServerRewardsDbContext>(
            configuration, Name);
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
