using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Host.Tests;

public sealed class JobSchedulingTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_scheduler_is_clustered_on_a_server_database_and_in_memory_on_SQLite(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        // The hosted service starts the scheduler once the application has started; give it a moment.
        var metadata = await scheduler.GetMetadata();
        for (var i = 0; i < 50 && metadata.RunningSince is null; i++)
        {
            await Task.Delay(100);
            metadata = await scheduler.GetMetadata();
        }

        Assert.NotNull(metadata.RunningSince);
        Assert.Equal(provider != DatabaseProvider.Sqlite, metadata.JobStoreClustered);
        Assert.Equal(provider != DatabaseProvider.Sqlite, metadata.JobStorePersistent);
        Assert.NotNull(await scheduler.GetJobDetail(new JobKey("PurgeProcessedMessagesJob", "outbox")));
    }
}
