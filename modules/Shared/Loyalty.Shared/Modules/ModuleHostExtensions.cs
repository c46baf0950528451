using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Loyalty.Shared.Modules;

public static class ModuleHostExtensions
{
    /// <summary>The health check tag of checks that must pass before the node takes traffic.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddModules(
        this IServiceCollection services, IConfiguration configuration, IReadOnlyList<LoyaltyModule> modules)
    {
        var duplicate = modules.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two modules are named '{duplicate.Key}'.");
        }

        services.AddSingleton(modules);
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentActor>();
        services.AddScoped<AuditTrail>();
        services.AddOutbox(configuration);
        services.AddIdempotencyKeys(configuration);
        var health = services.AddHealthChecks();
        foreach (var module in modules)
        {
            module.AddServices(services, configuration);
            module.AddHealthChecks(health);
        }

        foreach (var context in services.ModuleDbContexts())
        {
            health.Add(new HealthCheckRegistration(
                $"db-{context.Schema}",
                sp => new ModuleDbContextHealthCheck(sp, context.ServiceType),
                HealthStatus.Unhealthy,
                [ReadyTag]));
        }

        return services;
    }

    public static void AddModuleJobs(this IQuartzBuilder quartz, IEnumerable<LoyaltyModule> modules)
    {
        PurgeProcessedMessagesJob.Schedule(quartz);
        PurgeExpiredIdempotencyRecordsJob.Schedule(quartz);
        foreach (var module in modules)
        {
            module.AddJobs(quartz);
        }
    }

    public static WebApplication MapModules(this WebApplication app)
    {
        foreach (var module in app.Services.GetRequiredService<IReadOnlyList<LoyaltyModule>>())
        {
            var group = app.MapGroup($"/api/{module.Name}").WithTags(module.Name);
            module.MapEndpoints(group);
        }

        return app;
    }
}
