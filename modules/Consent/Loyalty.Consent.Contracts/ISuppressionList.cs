namespace Loyalty.Consent.Contracts;

/// <summary>
/// People erased on their request, kept as keyed hashes of their identifiers apart from member data, so that an
/// enrolment, an import or a CRM sync does not create them again (GDPR Art. 17). Members asks it before it creates a member.
/// </summary>
public interface ISuppressionList
{
    /// <summary>Which of the identifiers is suppressed in the program (<c>email</c>, <c>phone</c> or <c>externalId</c>), or null.</summary>
    Task<string?> FindSuppressedAsync(SuppressionCheck identifiers, CancellationToken cancellationToken);
}

/// <param name="ExternalIds">External customer ids and loyalty card numbers.</param>
public sealed record SuppressionCheck(Guid ProgramId, string? Email, string? Phone, IReadOnlyList<string> ExternalIds);
