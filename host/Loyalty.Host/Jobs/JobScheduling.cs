using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Quartz;

namespace Loyalty.Host.Jobs;

/// <summary>
/// Quartz: an in-memory store on SQLite (one node), the clustered AdoJobStore on PostgreSQL and SQL Server, so that
/// several nodes on one database run each firing once. Module jobs are added by <see cref="LoyaltyModule.AddJobs"/>.
/// </summary>
internal static class JobScheduling
{
    private const string SchedulerName = "loyalty";

    public static IServiceCollection AddLoyaltyJobs(this IServiceCollection services, IConfiguration configuration, IReadOnlyList<LoyaltyModule> modules)
    {
        var database = DatabaseOptions.From(configuration);
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = SchedulerName);
            UseStore(quartz, database, clustered: true, provision: false, ClusterTiming.From(configuration));
            quartz.AddModuleJobs(modules);
            // In the operators' report (GET /api/admin/health), not in /health/ready: a node whose scheduler stopped
            // still serves the API, while the other nodes of a cluster run its jobs.
            quartz.AddQuartzHealthChecks(check => check.Name = "job-scheduler");
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }

    /// <summary>
    /// Creates Quartz's tables with Quartz's own schema script (it only ever creates what is missing), as part of
    /// <c>migrate</c>; a normal start only validates them, so the application's account needs no DDL rights.
    /// </summary>
    public static async Task ProvisionSchemaAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var database = DatabaseOptions.From(configuration);
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            return;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        // A scheduler of its own name and without clustering: it must not take part in the running cluster's firings.
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler => scheduler.InstanceName = $"{SchedulerName}-migrate");
            UseStore(quartz, database, clustered: false, provision: true, ClusterTiming.From(configuration));
        });
        await using var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        await scheduler.Start(cancellationToken);
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }

    private static void UseStore(IQuartzBuilder quartz, DatabaseOptions database, bool clustered, bool provision, ClusterTiming timing)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            quartz.UseInMemoryStore(_ => { });
            return;
        }

        quartz.UsePersistentStore(store =>
        {
            if (database.Provider == DatabaseProvider.Postgres)
            {
                store.UsePostgres(database.ConnectionString!);
            }
            else
            {
                store.UseSqlServer(database.ConnectionString!);
            }

            if (clustered)
            {
                store.UseClustering(cluster =>
                {
                    if (timing.CheckinInterval is { } interval)
                    {
                        cluster.CheckinInterval = interval;
                    }

                    if (timing.CheckinMisfireThreshold is { } threshold)
                    {
                        cluster.CheckinMisfireThreshold = threshold;
                    }
                });
            }

            if (provision)
            {
                store.ProvisionSchema();
            }
        });
    }

    /// <summary>
    /// How often a node checks in to the cluster (<c>Jobs:ClusterCheckinInterval</c>) and how long past a missed
    /// check-in the others wait before they take its firings over (<c>Jobs:ClusterCheckinMisfireThreshold</c>); unset,
    /// Quartz's defaults apply.
    /// </summary>
    private sealed record ClusterTiming(TimeSpan? CheckinInterval, TimeSpan? CheckinMisfireThreshold)
    {
        public static ClusterTiming From(IConfiguration configuration) => new(
            configuration.GetValue<TimeSpan?>("Jobs:ClusterCheckinInterval"),
            configuration.GetValue<TimeSpan?>("Jobs:ClusterCheckinMisfireThreshold"));
    }
}
