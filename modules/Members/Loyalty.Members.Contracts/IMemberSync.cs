namespace Loyalty.Members.Contracts;

/// <summary>
/// What the CRM sync (Connectors) reads and writes of members, so that a CRM's changes go through Members' own rules:
/// validation, matching, the suppression list, the audit trail and the member events. Values are invariant strings
/// keyed by the loyalty field names of <see cref="SyncedMemberFields"/>.
/// </summary>
public interface IMemberSync
{
    /// <summary>
    /// Creates or updates the member a CRM record stands for: the member <see cref="CrmMemberChange.MemberId"/> if the
    /// record was linked before, otherwise the one with the external id, otherwise the one with the email; a new member
    /// only when none matches and the person is not on the suppression list. Idempotent: the same change again is
    /// <see cref="CrmMemberResult.Unchanged"/>.
    /// </summary>
    Task<CrmMemberOutcome> ApplyAsync(CrmMemberChange change, CancellationToken cancellationToken);

    /// <summary>The member's synchronisable fields, or null when no member has the id.</summary>
    Task<SyncedMember?> FindAsync(Guid memberId, CancellationToken cancellationToken);
}

/// <param name="Fields">Profile fields to set (<c>email</c>, <c>phone</c>, <c>firstName</c>, <c>lastName</c>, <c>birthDate</c>, <c>locale</c>); a field left out keeps its value, null clears it.</param>
public sealed record CrmMemberChange(string ProgramCode, Guid? MemberId, string ExternalId, IReadOnlyDictionary<string, string?> Fields);

public enum CrmMemberResult
{
    Created,
    Updated,
    Unchanged,

    /// <summary>The person was erased on their request; nothing was created.</summary>
    Suppressed,

    /// <summary>A value is invalid or the identifiers match several members; <see cref="CrmMemberOutcome.Error"/> says which, without values.</summary>
    Invalid,

    /// <summary>The linked member was merged, erased or closed, or the program does not exist.</summary>
    Gone,
}

/// <param name="Error">Field names and reasons only, never values: it is shown in the dead-letter list.</param>
public sealed record CrmMemberOutcome(CrmMemberResult Result, Guid? MemberId = null, string? Error = null);

/// <param name="Fields">Every field of <see cref="SyncedMemberFields.All"/>; null when empty.</param>
public sealed record SyncedMember(Guid MemberId, Guid ProgramId, IReadOnlyDictionary<string, string?> Fields);

/// <summary>The loyalty side's field names in mappings.</summary>
public static class SyncedMemberFields
{
    public const string Email = "email";
    public const string Phone = "phone";
    public const string FirstName = "firstName";
    public const string LastName = "lastName";
    public const string BirthDate = "birthDate";
    public const string Locale = "locale";
    public const string ExternalId = "externalId";
    public const string MemberId = "memberId";
    public const string Status = "status";
    public const string EnrolledAt = "enrolledAt";
    public const string Tier = "tier";
    public const string PointsBalance = "pointsBalance";

    /// <summary>What a CRM may change.</summary>
    public static readonly IReadOnlyList<string> Writable = [Email, Phone, FirstName, LastName, BirthDate, Locale];

    public static readonly IReadOnlyList<string> All = [.. Writable, ExternalId, MemberId, Status, EnrolledAt, Tier, PointsBalance];
}
