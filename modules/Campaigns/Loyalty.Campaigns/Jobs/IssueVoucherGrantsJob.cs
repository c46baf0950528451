using Loyalty.Campaigns.EarningRules;
using Loyalty.Campaigns.Persistence;
using Loyalty.Rewards.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// Issues the vouchers that applied rules granted (<see cref="PendingVoucherGrant"/>) through Rewards'
/// <see cref="IVoucherIssuer"/>, and removes each grant from the queue once Rewards answered it. Rewards issues once per
/// reference, so a grant issued before a crash and still queued is answered <c>AlreadyIssued</c> the next time. A grant
/// Rewards refuses (the template is unknown, retired or not a voucher; the member is gone) leaves the queue with a
/// logged warning; one that fails with an error stays and is tried again on the next run.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class IssueVoucherGrantsJob(CampaignsDbContext db, IServiceScopeFactory scopes, ILogger<IssueVoucherGrantsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(IssueVoucherGrantsJob), CampaignsDbContext.SchemaName);

    private const int BatchSize = 200;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var pending = await db.PendingVoucherGrants.AsNoTracking().OrderBy(g => g.QueuedAt).Take(BatchSize).ToListAsync(cancellationToken);
        int issued = 0, refused = 0, failed = 0;
        foreach (var grant in pending)
        {
            try
            {
                // A scope per grant: one that fails leaves nothing behind in the next one's context.
                await using var scope = scopes.CreateAsyncScope();
                var issue = await scope.ServiceProvider.GetRequiredService<IVoucherIssuer>().IssueAsync(
                    grant.Program, grant.MemberId, grant.RewardId, grant.Reference, cancellationToken);
                if (issue.Outcome is VoucherIssueOutcome.Issued or VoucherIssueOutcome.AlreadyIssued)
                {
                    issued++;
                }
                else
                {
                    LogRefused(logger, grant.RuleId, grant.RuleVersion, grant.RewardId, issue.Outcome);
                    refused++;
                }

                await db.PendingVoucherGrants.Where(g => g.Id == grant.Id).ExecuteDeleteAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, grant.Id, e.GetType().Name);
                await db.PendingVoucherGrants.Where(g => g.Id == grant.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(g => g.Attempts, g => g.Attempts + 1), cancellationToken);
                failed++;
            }
        }

        LogDone(logger, issued, refused, failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The voucher of earning rule {RuleId} version {Version} (template {RewardId}) was refused by Rewards: {Outcome}; the grant leaves the queue.")]
    private static partial void LogRefused(ILogger logger, Guid ruleId, int version, Guid rewardId, VoucherIssueOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Voucher grant {GrantId} failed ({ExceptionType}); it stays queued.")]
    private static partial void LogFailed(ILogger logger, Guid grantId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Voucher grants: {Issued} issued, {Refused} refused, {Failed} failed")]
    private static partial void LogDone(ILogger logger, int issued, int refused, int failed);
}
