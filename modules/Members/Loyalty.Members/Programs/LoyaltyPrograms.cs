using Microsoft.EntityFrameworkCore;
using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;

namespace Loyalty.Members.Programs;

internal sealed class LoyaltyPrograms(MembersDbContext db, ProgramCache cache) : ILoyaltyPrograms
{
    public async Task<LoyaltyProgramDto?> FindAsync(string code, CancellationToken cancellationToken) =>
        (await cache.FindAsync(db, code, cancellationToken))?.ToDto();

    public async Task<IReadOnlyList<string>> CodesAsync(CancellationToken cancellationToken) =>
        await db.Programs.AsNoTracking().OrderBy(p => p.Code).Select(p => p.Code).ToListAsync(cancellationToken);
}
