namespace Loyalty.Campaigns.Contracts;

/// <summary>The results of a program's recent campaigns, for the staff's dashboard: counts only, as the campaign's statistics report them.</summary>
public interface ICampaignResults
{
    /// <summary>The campaigns whose send has started, the latest started first.</summary>
    Task<IReadOnlyList<CampaignResult>> RecentAsync(string programCode, int take, CancellationToken cancellationToken);
}

/// <param name="Status">As the API names it: <c>sending</c>, <c>completed</c>, <c>cancelled</c>, <c>active</c>, …</param>
/// <param name="Delivered">Sent less bounces read back (none are read back yet, so the same as <paramref name="Sent"/>).</param>
/// <param name="RedeemedVoucher">Members sent the message who redeemed a voucher after it: the conversion the module records.</param>
public sealed record CampaignResult(
    Guid Id, string Name, string Status, DateTimeOffset StartedAt, int Audience, int Sent, int Delivered, int Opened, int Clicked, int Unsubscribed,
    int RedeemedVoucher);
