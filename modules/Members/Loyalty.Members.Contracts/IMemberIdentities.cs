namespace Loyalty.Members.Contracts;

/// <summary>
/// The identifiers of a member, for data subject requests: Consent checks a request's subject and, before an erasure,
/// puts the member's identifiers on its suppression list.
/// </summary>
public interface IMemberIdentities
{
    /// <summary>The member's identifiers, or null when no member has the id.</summary>
    Task<MemberIdentity?> FindAsync(Guid memberId, CancellationToken cancellationToken);
}

/// <param name="ExternalIds">External customer ids and loyalty card numbers.</param>
public sealed record MemberIdentity(Guid MemberId, Guid ProgramId, string? Email, string? Phone, IReadOnlyList<string> ExternalIds);
