namespace Loyalty.Consent.Contracts;

/// <summary>
/// A recipient to whom a member's personal data was disclosed, such as a connected CRM, and who must be told of the
/// member's erasure (GDPR Art. 19). The Connectors module registers one per connected system; with none registered,
/// an erasure records that there is no connected recipient.
/// </summary>
public interface IErasureRecipient
{
    /// <summary>The recipient's name as shown to the data protection officer, such as <c>crm:hubspot-eu</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The systems this recipient stands for, each by its name (one per CRM connection), for the record of processing
    /// activities (Art. 30); empty when none is connected.
    /// </summary>
    Task<IReadOnlyList<string>> SystemsAsync(CancellationToken cancellationToken);

    /// <summary>Asks the recipient to erase the member. Idempotent: a recipient asked twice erases once.</summary>
    Task<RecipientErasure> EraseAsync(Guid memberId, CancellationToken cancellationToken);
}

/// <param name="Done">True when the recipient confirmed; false when it does not hold the member (not applicable).</param>
/// <param name="Detail">What the recipient answered, without personal data.</param>
public sealed record RecipientErasure(bool Done, string Detail);
