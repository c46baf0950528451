using Loyalty.Shared.Contracts;

namespace Loyalty.Members.Contracts;

// Member events carry ids, not personal data: a handler that needs the profile reads it through the Members API,
// so an erased member's data is not copied into other modules' inboxes and outboxes.

/// <param name="ReferralCode">The referral code the enrolment request carried (a code, not personal data); Campaigns resolves it.</param>
public sealed record MemberEnrolled(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string EnrollmentChannel, string? ReferralCode = null)
    : IntegrationEvent(EventId, OccurredAt);

public sealed record MemberUpdated(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, IReadOnlyList<string> ChangedFields)
    : IntegrationEvent(EventId, OccurredAt);

public sealed record MemberStatusChanged(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string FromStatus, string ToStatus)
    : IntegrationEvent(EventId, OccurredAt);
