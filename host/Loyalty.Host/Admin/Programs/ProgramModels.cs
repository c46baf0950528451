namespace Loyalty.Host.Admin.Programs;

// What GET /api/members/programs/{program}/tiers answers (JSON names as the API writes them).
internal sealed record TierItem(string Code, string Name, int Rank, long Threshold, decimal EarningMultiplier, string? Benefits);

internal sealed record TierLadderItem(string Program, string Basis, string Window, int MaxLevelsDown, IReadOnlyList<TierItem> Tiers);
