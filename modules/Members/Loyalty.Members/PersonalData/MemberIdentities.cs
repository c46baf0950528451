using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.PersonalData;

internal sealed class MemberIdentities(MembersDbContext db) : IMemberIdentities
{
    public async Task<MemberIdentity?> FindAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().IgnoreAutoIncludes()
            .Where(m => m.Id == memberId)
            .Select(m => new { m.ProgramId, m.Email, m.Phone })
            .SingleOrDefaultAsync(cancellationToken);
        if (member is null)
        {
            return null;
        }

        var ids = await db.MemberIdentifiers.AsNoTracking().Where(i => i.MemberId == memberId).OrderBy(i => i.AddedAt).Select(i => i.Value).ToListAsync(cancellationToken);
        return new MemberIdentity(memberId, member.ProgramId, member.Email, member.Phone, ids);
    }
}
