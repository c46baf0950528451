using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

/// <summary>Answers <see cref="IPurchaseHistory"/> from the member's transactions (indexed by member and time).</summary>
internal sealed class PurchaseHistoryQueries(MembersDbContext db) : IPurchaseHistory
{
    public async Task<PurchaseHistory> OfMemberAsync(PurchaseHistoryQuery query, CancellationToken cancellationToken)
    {
        var earlier = db.Transactions.AsNoTracking().Where(t =>
            t.MemberId == query.MemberId && t.ProgramId == query.ProgramId && t.Type == TransactionType.Purchase
            && t.OccurredAt <= query.Before && t.ExternalId != query.ExcludingExternalId);
        var recent = query.RecentSince is { } since
            ? await earlier.Where(t => t.OccurredAt >= since).OrderBy(t => t.OccurredAt)
                .Select(t => new PastPurchase(t.OccurredAt, t.TotalMinor)).ToListAsync(cancellationToken)
            : [];
        var count = query.WithCount ? await earlier.CountAsync(cancellationToken) : 0;
        var categories = query.WithCategories
            ? await earlier.SelectMany(t => t.Lines).Where(l => l.Category != null).Select(l => l.Category!).Distinct().ToListAsync(cancellationToken)
            : [];
        return new PurchaseHistory(count, recent, categories.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }

    public async Task<IReadOnlyList<MemberPurchases>> OfActiveMembersAsync(
        Guid programId, Guid? after, int take, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var query = db.Members.AsNoTracking().IgnoreAutoIncludes().Where(m => m.ProgramId == programId && m.Status == MemberStatus.Active);
        if (after is { } last)
        {
            query = query.Where(m => m.Id.CompareTo(last) > 0);
        }

        var members = await query.OrderBy(m => m.Id).Take(take).Select(m => new { m.Id, m.EnrolledAt }).ToListAsync(cancellationToken);
        var ids = members.Select(m => m.Id).ToList();
        var purchases = (await db.Transactions.AsNoTracking()
                .Where(t => t.ProgramId == programId && ids.Contains(t.MemberId) && t.Type == TransactionType.Purchase && t.OccurredAt >= since)
                .Select(t => new { MemberId = t.MemberId, t.OccurredAt, t.TotalMinor })
                .ToListAsync(cancellationToken))
            .ToLookup(t => t.MemberId);
        return members.Select(m => new MemberPurchases(m.Id, m.EnrolledAt,
            purchases[m.Id].OrderBy(p => p.OccurredAt).Select(p => new PastPurchase(p.OccurredAt, p.TotalMinor)).ToList())).ToList();
    }
}
