namespace Loyalty.Campaigns.Contracts;

/// <summary>
/// Who is in a program's segments, as of each segment's last evaluation (the materialised membership): for earning
/// rules, rewards and campaigns. A segment is named by its code within the program.
/// </summary>
public interface ISegmentMembership
{
    /// <summary>Whether the member is in the segment; false for a segment that does not exist.</summary>
    Task<bool> IsMemberAsync(string programCode, string segmentCode, Guid memberId, CancellationToken cancellationToken);

    /// <summary>The codes of the program's segments the member is in.</summary>
    Task<IReadOnlySet<string>> SegmentsOfAsync(string programCode, Guid memberId, CancellationToken cancellationToken);

    /// <summary>The segment's members in id order after <paramref name="after"/>, at most <paramref name="limit"/>; empty for a segment that does not exist.</summary>
    Task<IReadOnlyList<Guid>> MembersOfAsync(string programCode, string segmentCode, Guid? after, int limit, CancellationToken cancellationToken);
}
