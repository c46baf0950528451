namespace Loyalty.Members.Contracts;

/// <summary>
/// A loyalty program as other modules and API clients see it: where it is, what it earns in, and its points policy
/// (base rate, return window, expiry, what a return of spent points does, how long a purchase of a not yet enrolled
/// member is held for a retro-claim). Policies are named as in the API docs.
/// </summary>
public sealed record LoyaltyProgramDto(
    Guid Id,
    string Code,
    string Name,
    string TimeZone,
    string Currency,
    DateTimeOffset CreatedAt,
    string PointsCurrency,
    string QualifyingCurrency,
    decimal PointsPerCurrencyUnit,
    string BaseRateScope,
    int PendingDays,
    string ExpiryPolicy,
    int ExpiryMonths,
    string ReturnPolicy,
    int RetroClaimDays);
