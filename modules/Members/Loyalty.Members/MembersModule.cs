using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Members;

/// <summary>Members, loyalty programs, tiers, the points ledger and purchase transactions.</summary>
public sealed class MembersModule : LoyaltyModule
{
    public override string Name => MembersDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<MembersDbContext, SqliteMembersDbContext, PostgresMembersDbContext, SqlServerMembersDbContext>(
            configuration, Name);
        services.AddScoped<IDemoDataSeeder, DemoProgramSeeder>();
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapProgramEndpoints();
    }
}
