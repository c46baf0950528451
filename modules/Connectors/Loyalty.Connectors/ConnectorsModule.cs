using Loyalty.Connectors.Persistence;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Connectors;

/// <summary>The CRM sync engine and the connector plugin host.</summary>
public sealed class ConnectorsModule : LoyaltyModule
{
    public override string Name => ConnectorsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ConnectorsDbContext, SqliteConnectorsDbContext, PostgresConnectorsDbContext, SqlServerConnectorsDbContext>(
            configuration, Name);
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
    }
}
