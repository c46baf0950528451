namespace Loyalty.Members.Tiers;

/// <summary>What a member's tier gives them, for the calculations that apply it.</summary>
internal static class TierBenefits
{
    /// <summary>
    /// The earning multiplier of tier <paramref name="tierCode"/> (1.0 without a tier, or in a program without tiers),
    /// for the earning calculation to apply to what a transaction earns.
    /// </summary>
    public static decimal EarningMultiplierOf(this TierSettings? settings, string? tierCode) =>
        tierCode is not null && settings?.Tiers.FirstOrDefault(t => t.Code == tierCode) is { } tier ? tier.EarningMultiplier : 1m;
}
