using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Sends;

internal sealed class CampaignResultsView(CampaignsDbContext db) : ICampaignResults
{
    public async Task<IReadOnlyList<CampaignResult>> RecentAsync(string programCode, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var campaigns = await db.Campaigns.AsNoTracking().IgnoreAutoIncludes()
            .Where(c => c.Program == programCode && c.StartedAt != null)
            .OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id)
            .Take(take).ToListAsync(cancellationToken);
        var results = new List<CampaignResult>(campaigns.Count);
        foreach (var campaign in campaigns)
        {
            var progress = await CampaignEndpoints.ProgressAsync(db, campaign, cancellationToken);
            var statistics = await CampaignEndpoints.StatisticsAsync(db, campaign, cancellationToken);
            results.Add(new CampaignResult(
                campaign.Id, campaign.Name, CampaignEndpoints.Name(campaign.Status), campaign.StartedAt!.Value, progress.Audience, progress.Sent, progress.Delivered,
                progress.Opened, progress.Clicked, progress.Unsubscribed, statistics.Recipients.MembersWhoRedeemed));
        }

        return results;
    }
}
