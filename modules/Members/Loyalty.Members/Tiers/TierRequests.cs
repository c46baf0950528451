using Loyalty.Members.Programs;
using Loyalty.Shared.Http;

namespace Loyalty.Members.Tiers;

internal sealed record TierRequest(string? Code, string? Name, int? Rank, long? Threshold, decimal? EarningMultiplier, string? Benefits);

/// <summary>A program's whole tier ladder with its settings; it replaces what was there.</summary>
internal sealed record DefineTiersRequest(string? Basis, string? Window, int? MaxLevelsDown, List<TierRequest>? Tiers)
{
    public const int MaxTiers = 20;
    public const int MaxLevels = MaxTiers;
    public const decimal MaxMultiplier = 100m;

    public ValidationErrors Validate()
    {
        var tiers = Tiers ?? [];
        var errors = new ValidationErrors()
            .Check(Basis is null || Enum.TryParse<TierBasis>(Basis, ignoreCase: true, out _), "basis", "Use QualifyingPoints or Spend.")
            .Check(Window is null || Enum.TryParse<TierWindow>(Window, ignoreCase: true, out _), "window", "Use Rolling12Months or CalendarYear.")
            .Check(MaxLevelsDown is null or (>= 1 and <= MaxLevels), "maxLevelsDown", $"Give 1 to {MaxLevels} levels.")
            .Check(tiers.Count is >= 1 and <= MaxTiers, "tiers", $"Give 1 to {MaxTiers} tiers.");
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            errors
                .Check(tier.Code is not null && ProgramEndpoints.CodePattern().IsMatch(tier.Code), $"tiers[{i}].code", "Use 2-50 lowercase letters, digits and dashes.")
                .Check(tier.Code is null || tiers.Take(i).All(t => t.Code != tier.Code), $"tiers[{i}].code", $"The code '{tier.Code}' is used by another tier.")
                .Check(!string.IsNullOrWhiteSpace(tier.Name) && tier.Name.Length <= 100, $"tiers[{i}].name", "A name of 1-100 characters is required.")
                .Check(tier.Rank is >= 1 and <= 1000, $"tiers[{i}].rank", "Give a rank of 1 to 1000; higher is better.")
                .Check(tier.Rank is null || tiers.Take(i).All(t => t.Rank != tier.Rank), $"tiers[{i}].rank", $"Rank {tier.Rank} is used by another tier.")
                .Check(tier.Threshold is >= 0, $"tiers[{i}].threshold", "Give a threshold of 0 or more (points, or spend in minor units).")
                .Check(tier.EarningMultiplier is null or (> 0 and <= MaxMultiplier), $"tiers[{i}].earningMultiplier", $"Give a multiplier above 0, at most {MaxMultiplier}, such as 1.25.")
                .Check(tier.Benefits is null || tier.Benefits.Length <= 1000, $"tiers[{i}].benefits", "At most 1,000 characters.");
        }

        // Thresholds must rise with the rank, or two tiers would claim the same members.
        var ranked = tiers.Select((tier, index) => (tier, index)).Where(t => t.tier.Rank is not null && t.tier.Threshold is >= 0).OrderBy(t => t.tier.Rank).ToList();
        for (var i = 1; i < ranked.Count; i++)
        {
            var (lower, (higher, index)) = (ranked[i - 1].tier, ranked[i]);
            errors.Check(
                higher.Threshold > lower.Threshold || higher.Rank == lower.Rank,
                $"tiers[{index}].threshold",
                $"Tier '{higher.Code}' ranks above '{lower.Code}', so its threshold must be higher than {lower.Threshold}.");
        }

        return errors;
    }

    /// <summary>The settings this request describes, with defaults for what it leaves out.</summary>
    public TierSettings ToSettings(Guid programId, DateTimeOffset now) => new()
    {
        ProgramId = programId,
        Basis = Basis is null ? TierBasis.QualifyingPoints : Enum.Parse<TierBasis>(Basis, ignoreCase: true),
        Window = Window is null ? TierWindow.Rolling12Months : Enum.Parse<TierWindow>(Window, ignoreCase: true),
        MaxLevelsDown = MaxLevelsDown ?? 1,
        UpdatedAt = now,
        Tiers = [.. (Tiers ?? []).Select(t => new TierDefinition
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = programId,
            Code = t.Code!,
            Name = t.Name!,
            Rank = t.Rank!.Value,
            Threshold = t.Threshold!.Value,
            EarningMultiplier = t.EarningMultiplier ?? 1m,
            Benefits = t.Benefits,
        })],
    };
}

internal sealed record AssignTierRequest(string? Tier, string? Reason);

internal sealed record TierDto(string Code, string Name, int Rank, long Threshold, decimal EarningMultiplier, string? Benefits);

internal sealed record TierLadderDto(string Program, string Basis, string Window, int MaxLevelsDown, IReadOnlyList<TierDto> Tiers)
{
    public static TierLadderDto From(TierSettings settings, string program) => new(
        program, settings.Basis.ToString(), settings.Window.ToString(), settings.MaxLevelsDown,
        [.. settings.Ladder.Select(t => new TierDto(t.Code, t.Name, t.Rank, t.Threshold, t.EarningMultiplier, t.Benefits))]);
}

/// <summary>
/// Where a member stands: the tier, the qualifying value in the current window, what is missing to the next tier,
/// and what the member must have in the window of the next evaluation to keep the current tier.
/// </summary>
internal sealed record TierProgressDto(
    string? Tier,
    string? TierName,
    DateTimeOffset? Since,
    decimal EarningMultiplier,
    string Basis,
    string Window,
    DateTimeOffset WindowStart,
    long QualifyingValue,
    string? NextTier,
    long? ToNextTier,
    DateTimeOffset? NextEvaluationAt,
    long? ValueTowardsRetention,
    long? ToRetain);

internal sealed record TierChangeDto(string? FromTier, string? ToTier, string Reason, DateTimeOffset At, long QualifyingValue, string Actor, string? Note);
