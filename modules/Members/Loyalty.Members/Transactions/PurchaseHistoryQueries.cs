using Loyalty.Members.Contracts;
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
}
