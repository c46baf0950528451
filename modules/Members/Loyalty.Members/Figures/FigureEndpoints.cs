using Loyalty.Members.Enrollment;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Figures;

internal sealed record TierCountDto(string? Tier, int Members);

/// <summary>One calendar month in the program's time zone; points as positive numbers.</summary>
internal sealed record PointsMonthDto(string Month, long Issued, long Redeemed, long Expired);

internal sealed record ProgramFiguresDto(
    string Program,
    DateTimeOffset AsOf,
    int Members,
    int ActiveMembers30Days,
    int ActiveMembers90Days,
    IReadOnlyList<TierCountDto> Tiers,
    long OutstandingPoints,
    long PendingPoints,
    IReadOnlyList<PointsMonthDto> Months);

/// <summary>The program's key figures for the dashboard: aggregates only, no member is named.</summary>
internal static class FigureEndpoints
{
    public const int MaxMonths = 24;

    public static void MapFigureEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/programs/{program}/figures", Figures).RequireAuthorization(Policies.ViewPrograms);

    /// <summary>
    /// Members are the active and suspended memberships. A member is active in a window when they earned or spent
    /// points in it (an accrual or a redemption; staff adjustments do not count). Outstanding points are the
    /// spendable points of all accounts (the program's liability), pending points those still in the return window.
    /// Per month (<c>months</c>, default 6, the current one last): issued = accruals and positive adjustments,
    /// redeemed = redemptions less refunds, expired = expiries.
    /// </summary>
    private static async Task<Results<Ok<ProgramFiguresDto>, ProblemHttpResult, ValidationProblem>> Figures(
        string program, int? months, MembersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var count = months ?? 6;
        if (count is < 1 or > MaxMonths)
        {
            return new ValidationErrors().Check(false, "months", $"Give 1 to {MaxMonths} months.").ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var now = clock.GetUtcNow();
        var current = new[] { MemberStatus.Active, MemberStatus.Suspended };
        var members = db.Members.AsNoTracking().Where(m => m.ProgramId == loyaltyProgram.Id && current.Contains(m.Status));
        var memberCount = await members.CountAsync(cancellationToken);
        var tiers = await db.MemberTiers.AsNoTracking()
            .Where(t => t.ProgramId == loyaltyProgram.Id && members.Any(m => m.Id == t.MemberId))
            .GroupBy(t => t.TierCode)
            .Select(g => new TierCountDto(g.Key, g.Count()))
            .ToListAsync(cancellationToken);
        var withoutTier = memberCount - tiers.Sum(t => t.Members);
        var tierList = tiers.OrderBy(t => t.Tier, StringComparer.Ordinal).Append(new TierCountDto(null, withoutTier)).ToList();

        var points = from entry in db.LedgerEntries.AsNoTracking()
                     join account in db.PointsAccounts on entry.AccountId equals account.Id
                     where account.ProgramId == loyaltyProgram.Id && account.Currency == loyaltyProgram.PointsCurrency
                     select entry;
        var activity = points.Where(e => e.Type == LedgerEntryType.Accrual || e.Type == LedgerEntryType.Redemption);
        var since30 = now.AddDays(-30);
        var since90 = now.AddDays(-90);
        var active30 = await activity.Where(e => e.CreatedAt >= since30).Select(e => e.MemberId).Distinct().CountAsync(cancellationToken);
        var active90 = await activity.Where(e => e.CreatedAt >= since90).Select(e => e.MemberId).Distinct().CountAsync(cancellationToken);

        var accounts = db.PointsAccounts.AsNoTracking().Where(a => a.ProgramId == loyaltyProgram.Id && a.Currency == loyaltyProgram.PointsCurrency);
        var outstanding = await accounts.SumAsync(a => (long?)a.Available, cancellationToken) ?? 0;
        var pending = await accounts.SumAsync(a => (long?)a.Pending, cancellationToken) ?? 0;

        var zone = TimeZoneInfo.FindSystemTimeZoneById(loyaltyProgram.TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var monthList = new List<PointsMonthDto>(count);
        for (var i = count - 1; i >= 0; i--)
        {
            var first = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(-i);
            // In UTC: PostgreSQL's timestamptz takes no other offset.
            var from = new DateTimeOffset(first, zone.GetUtcOffset(first)).ToUniversalTime();
            var until = new DateTimeOffset(first.AddMonths(1), zone.GetUtcOffset(first.AddMonths(1))).ToUniversalTime();
            var sums = await points.Where(e => e.CreatedAt >= from && e.CreatedAt < until)
                .GroupBy(e => new { e.Type, Credit = e.Points > 0 })
                .Select(g => new { g.Key.Type, g.Key.Credit, Points = g.Sum(e => e.Points) })
                .ToListAsync(cancellationToken);
            long Sum(LedgerEntryType type, bool? credit = null) => sums.Where(s => s.Type == type && (credit is null || s.Credit == credit)).Sum(s => s.Points);
            monthList.Add(new PointsMonthDto(
                first.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                Issued: Sum(LedgerEntryType.Accrual) + Sum(LedgerEntryType.Adjustment, credit: true),
                Redeemed: -(Sum(LedgerEntryType.Redemption) + Sum(LedgerEntryType.Refund)),
                Expired: -Sum(LedgerEntryType.Expiry)));
        }

        return TypedResults.Ok(new ProgramFiguresDto(program, now, memberCount, active30, active90, tierList, outstanding, pending, monthList));
    }
}
