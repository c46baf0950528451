namespace Loyalty.Members.Contracts;

/// <summary>A loyalty program as other modules and API clients see it.</summary>
public sealed record LoyaltyProgramDto(
    Guid Id,
    string Code,
    string Name,
    string TimeZone,
    string Currency,
    DateTimeOffset CreatedAt);
