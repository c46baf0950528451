using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Shared.Modules;

/// <summary>
/// Everything the host needs to know about a module, declared in one class.
/// The module's short <see cref="Name"/> is its route prefix (<c>/api/{name}</c>), its database schema
/// (table prefix on SQLite), its Quartz job group and its configuration section (<c>Modules:{Name}</c>).
/// </summary>
public abstract class LoyaltyModule
{
    public abstract string Name { get; }

    /// <summary>Registers the module's services, including its DbContext (<c>AddModuleDbContext</c>) and event handlers.</summary>
    public abstract void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's endpoints on its group, <c>/api/{Name}</c>. Every endpoint names an authorization policy.</summary>
    public abstract void MapEndpoints(RouteGroupBuilder api);

    /// <summary>Schedules the module's Quartz jobs, in the job group <see cref="Name"/>.</summary>
    public virtual void AddJobs(IQuartzBuilder quartz)
    {
    }

    /// <summary>Adds health checks beyond the database check every module gets.</summary>
    public virtual void AddHealthChecks(IHealthChecksBuilder checks)
    {
    }
}
