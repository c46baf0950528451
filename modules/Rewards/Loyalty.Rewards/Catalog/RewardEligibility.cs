using Loyalty.Members.Contracts;

namespace Loyalty.Rewards.Catalog;

/// <summary>A reason a member cannot redeem a reward now: the problem type and the words for the member.</summary>
internal sealed record RewardLock(string Problem, string Reason);

/// <summary>Decides whether a member may redeem a reward now, the same way for the listing and for a redemption.</summary>
internal static class RewardEligibility
{
    public const string LifetimePeriod = "lifetime";

    /// <summary>The limit periods a redemption now counts in, in the program's time zone, with each one's limit.</summary>
    public static IReadOnlyList<(string Period, int Limit)> LimitPeriods(Reward reward, DateTimeOffset now, string timeZone)
    {
        var local = TimeZoneInfo.ConvertTime(now, Zone(timeZone));
        var periods = new List<(string, int)>();
        if (reward.LimitLifetime is { } lifetime)
        {
            periods.Add((LifetimePeriod, lifetime));
        }

        if (reward.LimitPerMonth is { } perMonth)
        {
            periods.Add(($"m:{local:yyyy-MM}", perMonth));
        }

        if (reward.LimitPerDay is { } perDay)
        {
            periods.Add(($"d:{local:yyyy-MM-dd}", perDay));
        }

        return periods;
    }

    /// <param name="usage">The member's redemptions of this reward by limit period.</param>
    /// <param name="segments">The codes of the segments the member is in (as last evaluated); read only for a reward with a segment audience.</param>
    public static RewardLock? Lock(Reward reward, MemberStanding standing, DateTimeOffset now, IReadOnlyDictionary<string, int> usage, IReadOnlySet<string> segments)
    {
        if (reward.Status != RewardStatus.Active || (reward.AvailableFrom is { } from && now < from))
        {
            return new RewardLock(RewardProblems.RewardUnavailable, reward.AvailableFrom is { } start && reward.Status == RewardStatus.Active ? $"available from {start:yyyy-MM-dd}" : "not available");
        }

        if (reward.AvailableUntil is { } until && now >= until)
        {
            return new RewardLock(RewardProblems.RewardUnavailable, "no longer available");
        }

        if (reward.AudienceTiers.Count > 0 && (standing.TierCode is null || !reward.AudienceTiers.Contains(standing.TierCode)))
        {
            return new RewardLock(RewardProblems.NotInAudience, $"needs {string.Join(" or ", reward.AudienceTiers)}");
        }

        if (reward.AudienceSegments.Count > 0 && !reward.AudienceSegments.Any(segments.Contains))
        {
            return new RewardLock(RewardProblems.NotInSegment, $"not in segment {string.Join(" or ", reward.AudienceSegments)}");
        }

        if (reward.Stock is <= 0)
        {
            return new RewardLock(RewardProblems.OutOfStock, "out of stock");
        }

        foreach (var (period, limit) in LimitPeriods(reward, now, standing.TimeZone))
        {
            if (usage.GetValueOrDefault(period) >= limit)
            {
                return new RewardLock(RewardProblems.LimitReached, "limit reached");
            }
        }

        if (!standing.Active)
        {
            return new RewardLock(RewardProblems.MemberNotActive, "membership not active");
        }

        var cost = reward.CostFor(standing.TierCode);
        return standing.AvailablePoints < cost
            ? new RewardLock(RewardProblems.InsufficientPoints, $"needs {cost - standing.AvailablePoints} more points")
            : null;
    }

    private static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
