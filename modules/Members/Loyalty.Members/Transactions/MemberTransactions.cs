using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

internal sealed class MemberTransactions(MembersDbContext db, AuditTrail audit) : IMemberTransactions
{
    public async Task<MemberTransactionPage?> PageAsync(string programCode, Guid memberId, Guid? before, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var program = await db.FindProgramAsync(programCode, cancellationToken);
        if (program is null || !await db.Members.AnyAsync(m => m.Id == memberId && m.ProgramId == program.Id, cancellationToken))
        {
            return null;
        }

        var query = db.Transactions.AsNoTracking().Where(t => t.MemberId == memberId && t.ProgramId == program.Id);
        if (before is { } cursor)
        {
            // Ids are time-ordered (version 7) and the page is ordered by them, so "older" is "smaller".
            query = query.Where(t => t.Id.CompareTo(cursor) < 0);
        }

        var page = await query.OrderByDescending(t => t.Id).Take(take + 1)
            .Select(t => new MemberTransaction(t.Id, t.ExternalId, t.Type.ToString(), t.OccurredAt, t.Channel, t.Store, t.Currency, t.TotalMinor, t.Points, t.Lines.Count))
            .ToListAsync(cancellationToken);
        audit.RecordPersonalDataAccess(db, "members.transactions.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);
        var items = page.Take(take).ToList();
        return new MemberTransactionPage(items, page.Count > take ? items[^1].Id : null);
    }
}
