namespace Loyalty.Consent.Contracts;

/// <summary>
/// A member's consents as they stand now, per purpose and channel, for the staff's member page. Each read is recorded
/// in the audit log as an access to the member's personal data, by the signed-in person.
/// </summary>
public interface IMemberConsents
{
    /// <returns>Every purpose of the program, asked or not (<see cref="MemberConsent.Status"/> <c>none</c>); null for an unknown program.</returns>
    Task<MemberConsentState?> OfMemberAsync(string programCode, Guid memberId, CancellationToken cancellationToken);
}

/// <param name="Objected">The member objected to processing (Art. 21): no consent counts meanwhile.</param>
/// <param name="Restricted">Processing is restricted (Art. 18).</param>
public sealed record MemberConsentState(bool Objected, bool Restricted, IReadOnlyList<MemberConsent> Consents);

/// <param name="Channel">Null: every channel of the purpose.</param>
/// <param name="Status"><c>granted</c>, <c>withdrawn</c> or <c>none</c> (never asked).</param>
/// <param name="TextVersion">The text version the member agreed to.</param>
/// <param name="Counts">Whether the purpose may be used on the channel now.</param>
/// <param name="At">When the member gave or withdrew it.</param>
public sealed record MemberConsent(string Purpose, string? Channel, string Status, int? TextVersion, int CurrentVersion, bool Counts, DateTimeOffset? At, string? Source);
