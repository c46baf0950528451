using Loyalty.Consent.Persistence;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Consent;

/// <summary>GDPR consent, data subject requests, export, erasure and retention.</summary>
public sealed class ConsentModule : LoyaltyModule
{
    public override string Name => ConsentDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ConsentDbContext, SqliteConsentDbContext, PostgresConsentDbContext, SqlServerConsentDbContext>(
            configuration, Name);
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
