using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Plugins;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Loyalty.Connectors;

/// <summary>The CRM sync engine and the connector plugin host.</summary>
public sealed class ConnectorsModule : LoyaltyModule
{
    public override string Name => ConnectorsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ConnectorsDbContext, SqliteConnectorsDbContext, PostgresConnectorsDbContext, SqlServerConnectorsDbContext>(
            configuration, Name);
        services.AddOptions<ConnectorsOptions>().Bind(configuration.GetSection(ConnectorsOptions.Section));
        services.AddSingleton<PluginCatalog>();
        services.AddHostedService<LoadPluginsAtStart>();
        services.AddDataProtection();
        services.AddScoped<ConnectionSettings>();
        services.AddScoped<ConnectorRuntime>();
        // Host-owned resilience for every plugin's HTTP calls: timeouts, retries with backoff and jitter on transient errors.
        services.AddHttpClient(ConnectorRuntime.HttpClientName).AddStandardResilienceHandler();
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks) =>
        checks.AddCheck<PluginHealthCheck>("connector-plugins", HealthStatus.Degraded, [ModuleHostExtensions.ReadyTag]);

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapPluginEndpoints();
        api.MapConnectionEndpoints();
    }
}
