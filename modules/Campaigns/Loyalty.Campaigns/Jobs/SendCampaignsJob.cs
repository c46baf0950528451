using Loyalty.Campaigns.Persistence;
using Loyalty.Campaigns.Sends;
using Quartz;

namespace Loyalty.Campaigns.Jobs;

/// <summary>
/// Starts campaigns whose time has come and continues those a stopped node or the quiet hours left unfinished. The
/// schedule lives in the campaigns' own rows, so it survives restarts with Quartz's in-memory store.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class SendCampaignsJob(CampaignSender sender) : IJob
{
    public static readonly JobKey Key = new(nameof(SendCampaignsJob), CampaignsDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await sender.SendDueAsync(cancellationToken);
}
