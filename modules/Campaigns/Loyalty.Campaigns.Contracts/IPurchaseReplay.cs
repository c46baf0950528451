namespace Loyalty.Campaigns.Contracts;

/// <summary>
/// The purchases Members recorded, as the earning requests it would send for them now: for the dry-run of an earning
/// rule over real purchases. Campaigns defines it next to <see cref="IEarningEngine"/> because it speaks the same
/// <see cref="EarningRequest"/>; Members implements it. Reads only.
/// </summary>
public interface IPurchaseReplay
{
    /// <summary>
    /// The program's purchases that occurred in [<paramref name="from"/>, <paramref name="until"/>), oldest first, at most
    /// <paramref name="limit"/>, read page by page. Only members who could earn now (active) are included, each as they
    /// are now (tier, attributes); returns are not purchases. Nothing when the program is unknown.
    /// </summary>
    IAsyncEnumerable<EarningRequest> PurchasesAsync(string programCode, DateTimeOffset from, DateTimeOffset until, int limit, CancellationToken cancellationToken);
}
