using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Sends;
using Loyalty.Consent.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.PersonalData;

/// <summary>
/// The delivery log of campaign messages (who was sent what, to which address, opened, clicked, unsubscribed), deleted
/// a period after the message was sent, or queued if it never was. Messages still queued or being sent are kept.
/// </summary>
internal sealed class DeliveryLogRetention(CampaignsDbContext db) : IRetentionCategory
{
    public string Key => "campaigns.delivery-logs";

    public string Module => CampaignsDbContext.SchemaName;

    public string Name => "campaign delivery logs";

    public string Description => "Each campaign message (address, delivery status, opens, clicks, unsubscribes) is deleted this many days after it was sent, or queued if never sent; its tracking links then answer 404.";

    public int DefaultPeriodDays => 365;

    public Task<int> CountDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Due(cutoff).CountAsync(cancellationToken);

    public async Task<RetentionBatch> ApplyBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var ids = await Due(cutoff).OrderBy(m => m.Id).Select(m => m.Id).Take(batchSize).ToListAsync(cancellationToken);
        // One statement, so the batch is one transaction.
        var deleted = ids.Count == 0 ? 0 : await db.CampaignMessages.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken);
        return new RetentionBatch(ids.Count, deleted);
    }

    private IQueryable<CampaignMessage> Due(DateTimeOffset cutoff) =>
        db.CampaignMessages.Where(m => m.Status != MessageStatus.Queued && m.Status != MessageStatus.Sending
            && (m.SentAt != null ? m.SentAt <= cutoff : m.QueuedAt <= cutoff));
}
