namespace Loyalty.Members.Contracts;

/// <summary>
/// Compares members' contact and payment data inside Members, so other modules (referrals) can refuse a self-referral without
/// copying emails, phone numbers or payment fingerprints.
/// </summary>
public interface IMemberContacts
{
    /// <summary>
    /// Whether the two members of the program share a normalized email (lower case) or phone number (digits only,
    /// so <c>+49 170 1234567</c> and <c>+49-170-1234567</c> match); false when either is unknown.
    /// </summary>
    Task<bool> ShareContactAsync(string programCode, Guid memberId, Guid otherMemberId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a purchase of one member was paid with a means of payment (the POS's payment fingerprint, compared as
    /// stored, hashed) that a purchase of the other used too; false when either gave none.
    /// </summary>
    Task<bool> SharePaymentFingerprintAsync(string programCode, Guid memberId, Guid otherMemberId, CancellationToken cancellationToken);
}
