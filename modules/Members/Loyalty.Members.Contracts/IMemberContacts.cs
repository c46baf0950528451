namespace Loyalty.Members.Contracts;

/// <summary>
/// Compares members' contact data inside Members, so other modules (referrals) can refuse a self-referral without
/// copying emails or phone numbers.
/// </summary>
public interface IMemberContacts
{
    /// <summary>
    /// Whether the two members of the program share a normalized email (lower case) or phone number (digits only,
    /// so <c>+49 170 1234567</c> and <c>+49-170-1234567</c> match); false when either is unknown.
    /// </summary>
    Task<bool> ShareContactAsync(string programCode, Guid memberId, Guid otherMemberId, CancellationToken cancellationToken);
}
