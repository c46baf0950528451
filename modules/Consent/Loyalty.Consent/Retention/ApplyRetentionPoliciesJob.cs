using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Shared.Auditing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Consent.Retention;

/// <summary>
/// Applies every enabled retention policy (daily): per category, batches of due items, each batch committed by the category
/// on its own, until nothing is due or a batch makes no progress (its items failed; they stay due for the next run).
/// A run that stops half-way leaves the rest due, so the next run goes on; what was applied is no longer due, so a
/// second run changes nothing. One audit entry per run with the counts per category.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ApplyRetentionPoliciesJob(IServiceScopeFactory scopes, ConsentDbContext db, RetentionPolicies policies, AuditTrail audit, TimeProvider clock, ILogger<ApplyRetentionPoliciesJob> logger) : IJob
{
    public const int BatchSize = 100;

    public static readonly JobKey Key = new(nameof(ApplyRetentionPoliciesJob), ConsentDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var counts = new List<object>();
        foreach (var policy in (await policies.ListAsync(cancellationToken)).Where(p => p.Enabled))
        {
            var cutoff = RetentionPolicies.CutoffOf(policy, now);
            var (applied, failed, batches) = (0, 0, 0);
            while (!cancellationToken.IsCancellationRequested)
            {
                // A scope per batch: each batch starts from fresh module contexts and commits on its own.
                await using var scope = scopes.CreateAsyncScope();
                var category = scope.ServiceProvider.GetServices<IRetentionCategory>().Single(c => c.Key == policy.Key);
                var batch = await category.ApplyBatchAsync(cutoff, BatchSize, cancellationToken);
                batches++;
                applied += batch.Applied;
                failed = batch.Selected - batch.Applied;
                if (batch.Selected < BatchSize || batch.Applied == 0)
                {
                    break;
                }
            }

            counts.Add(new { category = policy.Key, policy.PeriodDays, cutoff, applied, failed, batches });
            logger.LogInformation("Retention policy {Category}: {Applied} applied, {Failed} failed, cut-off {Cutoff}", policy.Key, applied, failed, cutoff);
        }

        audit.Record(db, "consent.retention.applied", "retention-run", now.ToString("O"), new { categories = counts });
        await db.SaveChangesAsync(cancellationToken);
    }
}
