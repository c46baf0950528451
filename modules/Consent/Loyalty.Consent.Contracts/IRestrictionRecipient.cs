namespace Loyalty.Consent.Contracts;

/// <summary>
/// A recipient of members' personal data, such as a connected CRM, that must be told when a member's processing is
/// restricted (Art. 18) and when the restriction is lifted (Art. 19). Consent asks each one when a restriction request
/// is completed and when its mark is lifted, and records every answer as a step of the request.
/// </summary>
public interface IRestrictionRecipient
{
    /// <summary>The recipient's name as shown to the data protection officer.</summary>
    string Name { get; }

    /// <summary>Tells the recipient the member is now restricted (<paramref name="restricted"/> true) or no longer is. Idempotent.</summary>
    /// <returns>The answer; <see cref="RecipientErasure.Done"/> false when the recipient does not hold the member.</returns>
    Task<RecipientErasure> RestrictAsync(Guid memberId, bool restricted, CancellationToken cancellationToken);
}
