using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// Fires the built-in <c>birthday</c> activity for the members whose birthday it is in their program's time zone, in
/// programs with an active birthday rule. Runs hourly, so each time zone's day is met soon after it starts; the external
/// id <c>birthday:{member}:{year}</c> makes every later run of the day (and any other node) credit nothing twice.
/// Members are read page by page through Members' contract; Campaigns keeps no birth dates.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class FireBirthdayActivitiesJob(
    CampaignsDbContext db, ActiveRules activeRules, IActivityPoints members, IServiceScopeFactory scopes, TimeProvider clock, ILogger<FireBirthdayActivitiesJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(FireBirthdayActivitiesJob), CampaignsDbContext.SchemaName);

    private const int PageSize = 500;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var programs = await db.EarningRules.AsNoTracking().Where(r => r.Status == RuleStatus.Active).Select(r => r.Program).Distinct().ToListAsync(cancellationToken);
        foreach (var program in programs.Order(StringComparer.Ordinal))
        {
            if ((await activeRules.ForActivityAsync(program, ActivityTriggers.Birthday, cancellationToken)).Count == 0)
            {
                continue;
            }

            int fired = 0, failed = 0;
            for (var skip = 0; ; skip += PageSize)
            {
                var page = await members.BirthdaysAsync(program, now, skip, PageSize, cancellationToken);
                foreach (var memberId in page.MemberIds)
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<ActivityRecorder>().RecordAsync(
                            program, new ActivityRequest($"birthday:{memberId:N}:{page.LocalDate.Year}", memberId, ActivityTriggers.Birthday, now), cancellationToken);
                        fired++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The next hourly run tries again; the external id keeps it once.
                        LogFailed(logger, program, e.GetType().Name);
                        failed++;
                    }
                }

                if (page.MemberIds.Count < PageSize)
                {
                    break;
                }
            }

            LogDone(logger, program, fired, failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A birthday activity in program {Program} failed ({ExceptionType}); the next run tries again.")]
    private static partial void LogFailed(ILogger logger, string program, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Birthday activities in program {Program}: {Fired} recorded or already recorded, {Failed} failed")]
    private static partial void LogDone(ILogger logger, string program, int fired, int failed);
}
