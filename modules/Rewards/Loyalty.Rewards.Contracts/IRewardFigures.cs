namespace Loyalty.Rewards.Contracts;

/// <summary>The program's most redeemed rewards, for the staff's dashboard. Counts only: no member is read.</summary>
public interface IRewardFigures
{
    /// <summary>Completed redemptions reserved in [<paramref name="from"/>, <paramref name="until"/>), the most redeemed reward first.</summary>
    Task<IReadOnlyList<TopReward>> MostRedeemedAsync(string programCode, DateTimeOffset from, DateTimeOffset until, int take, CancellationToken cancellationToken);
}

/// <param name="Points">The points spent on the reward's completed redemptions.</param>
public sealed record TopReward(Guid RewardId, string Name, int Redemptions, long Points);
