using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

internal sealed class RecordedPurchases(MembersDbContext db) : IRecordedPurchases
{
    public async Task<IReadOnlySet<string>> RecordedAsync(Guid programId, IReadOnlyCollection<string> externalIds, CancellationToken cancellationToken)
    {
        var recorded = await db.Transactions.AsNoTracking()
            .Where(t => t.ProgramId == programId && t.Type == TransactionType.Purchase && externalIds.Contains(t.ExternalId))
            .Select(t => t.ExternalId)
            .ToListAsync(cancellationToken);
        return recorded.ToHashSet(StringComparer.Ordinal);
    }
}
