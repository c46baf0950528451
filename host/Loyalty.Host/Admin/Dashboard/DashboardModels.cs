namespace Loyalty.Host.Admin.Dashboard;

// What the API answers, as far as the dashboard shows it (JSON names as the API writes them).
internal sealed record DashboardProgram(string Code, string Name, string TimeZone);

internal sealed record TierCount(string? Tier, int Members);

internal sealed record PointsMonth(string Month, long Issued, long Redeemed, long Expired);

internal sealed record ProgramFigures(
    string Program, DateTimeOffset AsOf, int Members, int ActiveMembers30Days, int ActiveMembers90Days, IReadOnlyList<TierCount> Tiers,
    long OutstandingPoints, long PendingPoints, IReadOnlyList<PointsMonth> Months);

internal sealed record OpenRequest(Guid Id, string Type, string Status, DateTimeOffset ReceivedAt, DateOnly EffectiveDueOn, bool Overdue, bool DueSoon);

internal sealed record HealthCheckItem(string Name, string Status, string? Description);

internal sealed record HealthReport(string Status, IReadOnlyList<HealthCheckItem> Checks);
