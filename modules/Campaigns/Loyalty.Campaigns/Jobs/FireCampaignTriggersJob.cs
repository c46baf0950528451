using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Sends;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// The triggers no event announces, found by a scan through Members' contracts (Campaigns keeps no birth dates, balances
/// or purchases): birthdays in the program's time zone, points expiring within N days, and N days since the last
/// purchase. Runs hourly, so each time zone's day is met soon after it starts; each occurrence is queued once per member
/// and campaign however often it runs (see <see cref="CampaignTriggers"/>).
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class FireCampaignTriggersJob(
    CampaignsDbContext db, IActivityPoints birthdays, IMessageRecipients recipients, IMemberSelection selection, IPurchaseHistory purchases,
    IServiceScopeFactory scopes, TimeProvider clock, ILogger<FireCampaignTriggersJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(FireCampaignTriggersJob), CampaignsDbContext.SchemaName);

    private const int PageSize = 500;

    private static readonly CampaignTrigger[] Scanned = [CampaignTrigger.Birthday, CampaignTrigger.PointsExpiring, CampaignTrigger.NoPurchase];

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var campaigns = await db.Campaigns.AsNoTracking().IgnoreAutoIncludes()
            .Where(c => c.Status == CampaignStatus.Active && c.Trigger != null && Scanned.Contains(c.Trigger.Value))
            .ToListAsync(cancellationToken);
        foreach (var campaign in campaigns.OrderBy(c => c.Id))
        {
            var fired = 0;
            var failed = 0;
            async Task FireAsync(Guid memberId, string occurrence)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    fired += await scope.ServiceProvider.GetRequiredService<CampaignTriggers>().FireAsync([campaign], memberId, occurrence, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next hourly run tries again; the occurrence keeps it once.
                    LogFailed(logger, campaign.Id, e.GetType().Name);
                    failed++;
                }
            }

            switch (campaign.Trigger)
            {
                case CampaignTrigger.Birthday:
                    for (var skip = 0; ; skip += PageSize)
                    {
                        var page = await birthdays.BirthdaysAsync(campaign.Program, now, skip, PageSize, cancellationToken);
                        foreach (var memberId in page.MemberIds)
                        {
                            await FireAsync(memberId, $"birthday:{page.LocalDate.Year}");
                        }

                        if (page.MemberIds.Count < PageSize)
                        {
                            break;
                        }
                    }

                    break;
                case CampaignTrigger.PointsExpiring:
                    // Members report the points expiring within 30 days, and when the first of them expire: the occurrence.
                    var horizon = now.AddDays(campaign.TriggerDays ?? 0);
                    for (Guid? after = null; ;)
                    {
                        var page = await recipients.ActiveMembersAsync(campaign.Program, after, PageSize, cancellationToken);
                        foreach (var member in await recipients.FindAsync(campaign.Program, page, cancellationToken))
                        {
                            if (member.ExpiringPoints > 0 && member.ExpiringAt is { } expiringAt && expiringAt > now && expiringAt <= horizon)
                            {
                                await FireAsync(member.Id, $"points-expiring:{expiringAt.UtcDateTime:yyyyMMddTHHmmss}");
                            }
                        }

                        if (page.Count < PageSize)
                        {
                            break;
                        }

                        after = page[^1];
                    }

                    break;
                case CampaignTrigger.NoPurchase:
                    var days = campaign.TriggerDays ?? 0;
                    var programId = await selection.ProgramIdAsync(campaign.Program, cancellationToken);
                    if (programId is null)
                    {
                        break;
                    }

                    // A day's slack, so a day without a run misses nobody; the last purchase's time names the occurrence,
                    // so the runs of both days queue it once.
                    var query = new MemberSelectionQuery(campaign.Program, new MemberCondition(DaysSinceLastPurchase: new ValueRange(days, days + 1)), []);
                    for (Guid? after = null; ;)
                    {
                        var page = await selection.MemberIdsAsync(query, after, PageSize, cancellationToken);
                        foreach (var memberId in page)
                        {
                            var history = await purchases.OfMemberAsync(
                                new PurchaseHistoryQuery(programId.Value, memberId, "", now, now.AddDays(-(days + 3)), WithCount: false, WithCategories: false), cancellationToken);
                            if (history.Recent.Count > 0)
                            {
                                var last = history.Recent.Max(p => p.OccurredAt);
                                await FireAsync(memberId, $"no-purchase:{last.UtcDateTime:yyyyMMddTHHmmss}");
                            }
                        }

                        if (page.Count < PageSize)
                        {
                            break;
                        }

                        after = page[^1];
                    }

                    break;
            }

            LogDone(logger, campaign.Id, fired, failed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A trigger of campaign {CampaignId} failed ({ExceptionType}); the next run tries again.")]
    private static partial void LogFailed(ILogger logger, Guid campaignId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Triggered campaign {CampaignId}: {Queued} messages queued now, {Failed} failed")]
    private static partial void LogDone(ILogger logger, Guid campaignId, int queued, int failed);
}
