using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

internal sealed class MessageRecipients(MembersDbContext db, TimeProvider clock) : IMessageRecipients
{
    private static readonly TimeSpan ExpiringWindow = TimeSpan.FromDays(30);

    public async Task<IReadOnlyList<Guid>> ActiveMembersAsync(string programCode, Guid? after, int take, CancellationToken cancellationToken)
    {
        var query = db.Members.AsNoTracking().IgnoreAutoIncludes()
            .Where(m => m.Status == MemberStatus.Active && db.Programs.Any(p => p.Id == m.ProgramId && p.Code == programCode));
        if (after is { } last)
        {
            query = query.Where(m => m.Id.CompareTo(last) > 0);
        }

        return await query.OrderBy(m => m.Id).Take(take).Select(m => m.Id).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<MessageRecipient>> FindAsync(string programCode, IReadOnlyCollection<Guid> memberIds, CancellationToken cancellationToken)
    {
        var program = await db.FindProgramAsync(programCode, cancellationToken);
        if (program is null || memberIds.Count == 0)
        {
            return [];
        }

        var members = await db.Members.AsNoTracking().Where(m => m.ProgramId == program.Id && memberIds.Contains(m.Id)).ToListAsync(cancellationToken);
        var ids = members.Select(m => m.Id).ToList();
        var balances = await db.PointsAccounts.AsNoTracking()
            .Where(a => ids.Contains(a.MemberId) && a.Currency == program.PointsCurrency)
            .Select(a => new { a.MemberId, a.Available })
            .ToDictionaryAsync(a => a.MemberId, a => a.Available, cancellationToken);
        var until = clock.GetUtcNow().Add(ExpiringWindow);
        var expiring = (await db.PointsLots.AsNoTracking()
            .Join(db.PointsAccounts, l => l.AccountId, a => a.Id, (l, a) => new { Lot = l, Account = a })
            .Where(x => ids.Contains(x.Account.MemberId) && x.Account.Currency == program.PointsCurrency && x.Lot.Released
                && x.Lot.Remaining > 0 && x.Lot.ExpiredAt == null && x.Lot.ExpiresAt != null && x.Lot.ExpiresAt <= until)
            .Select(x => new { x.Account.MemberId, x.Lot.Remaining, ExpiresAt = x.Lot.ExpiresAt!.Value })
            .ToListAsync(cancellationToken))
            .GroupBy(x => x.MemberId)
            .ToDictionary(g => g.Key, g => (Points: g.Sum(x => x.Remaining), First: g.Min(x => x.ExpiresAt)));
        return members.Select(m =>
        {
            var soon = expiring.GetValueOrDefault(m.Id);
            return new MessageRecipient(
                m.Id, m.Status.ToString().ToLowerInvariant(), m.Email, m.Phone, m.FirstName, m.LastName, m.Locale, m.TierState?.TierCode,
                balances.GetValueOrDefault(m.Id), soon.Points, soon.Points > 0 ? soon.First : null);
        }).ToList();
    }
}
