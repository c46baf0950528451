using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Contracts;
using Loyalty.Connectors.Integration;
using Loyalty.Connectors.Jobs;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.PersonalData;
using Loyalty.Connectors.Plugins;
using Loyalty.Connectors.Sync;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

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
        services.AddScoped<InboundSync>();
        services.AddScoped<OutboundSync>();
        services.AddScoped<SyncRunner>();
        services.AddSingleton<SyncMetrics>();
        services.AddScoped<IErasureRecipient, CrmConnectionsErasure>();
        services.AddScoped<IRestrictionRecipient, CrmConnectionsRestriction>();
        services.AddScoped<IPersonalDataProvider, ConnectorsPersonalData>();
        services.AddScoped<IMemberCrmLinks, MemberCrmLinks>();
        services.AddIntegrationEventHandler<MemberEnrolled, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<MemberUpdated, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<PointsAccrued, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<PointsRedeemed, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<PointsReversed, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<PointsExpired, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<PointsRefunded, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
        services.AddIntegrationEventHandler<TierChanged, QueueOutboundChangeOnMemberEvents, ConnectorsDbContext>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<RunSyncsJob>(job => job.WithIdentity(RunSyncsJob.Key));
        quartz.AddTrigger<RunSyncsJob>(trigger => trigger
            .ForJob(RunSyncsJob.Key)
            .WithIdentity($"{RunSyncsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("15 * * * * ?"));
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks) => checks
        .AddCheck<PluginHealthCheck>("connector-plugins", HealthStatus.Degraded, [ModuleHostExtensions.ReadyTag])
        .AddCheck<ConnectionsHealthCheck>("connector-connections", HealthStatus.Degraded);

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapPluginEndpoints();
        api.MapConnectionEndpoints();
        api.MapSyncEndpoints();
    }
}
