using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Segments;

/// <summary>Answers <see cref="ISegmentMembership"/> from the materialised membership (indexed by segment and by member).</summary>
internal sealed class SegmentMembership(CampaignsDbContext db) : ISegmentMembership
{
    public Task<bool> IsMemberAsync(string programCode, string segmentCode, Guid memberId, CancellationToken cancellationToken) =>
        db.SegmentMembers.AnyAsync(m => m.MemberId == memberId
            && db.Segments.Any(s => s.Id == m.SegmentId && s.Program == programCode && s.Code == segmentCode), cancellationToken);

    public async Task<IReadOnlySet<string>> SegmentsOfAsync(string programCode, Guid memberId, CancellationToken cancellationToken) =>
        (await db.SegmentMembers.Where(m => m.MemberId == memberId)
            .Join(db.Segments.Where(s => s.Program == programCode), m => m.SegmentId, s => s.Id, (m, s) => s.Code)
            .ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlyList<Guid>> MembersOfAsync(string programCode, string segmentCode, Guid? after, int limit, CancellationToken cancellationToken)
    {
        var segmentId = await db.Segments.Where(s => s.Program == programCode && s.Code == segmentCode).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken);
        if (segmentId is null)
        {
            return [];
        }

        var members = db.SegmentMembers.AsNoTracking().Where(m => m.SegmentId == segmentId);
        if (after is { } last)
        {
            members = members.Where(m => m.MemberId.CompareTo(last) > 0);
        }

        return await members.OrderBy(m => m.MemberId).Select(m => m.MemberId).Take(limit).ToListAsync(cancellationToken);
    }
}
