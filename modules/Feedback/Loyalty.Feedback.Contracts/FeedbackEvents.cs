using Loyalty.Shared.Contracts;

namespace Loyalty.Feedback.Contracts;

/// <summary>
/// A member was invited to answer a survey: <see cref="Link"/> is their personal, signed link, valid until
/// <see cref="ExpiresAt"/>. Campaigns' messaging sends it; Feedback delivers nothing itself.
/// </summary>
public sealed record SurveyInvitationCreated(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string SurveyKey, int SurveyVersion, Guid SendId,
    string Trigger, string Link, DateTimeOffset ExpiresAt)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>A member answered a survey; <see cref="ResponseId"/> is unique per response, for rewarding it once.</summary>
public sealed record SurveyCompleted(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, string SurveyKey, int SurveyVersion, Guid ResponseId, Guid? SendId)
    : IntegrationEvent(EventId, OccurredAt);

/// <summary>A moderator approved a member's review of a product or store; <see cref="ReviewId"/> is unique per review.</summary>
public sealed record ReviewApproved(
    Guid EventId, DateTimeOffset OccurredAt, Guid ProgramId, Guid MemberId, Guid ReviewId, string SubjectType, string SubjectId, int Rating)
    : IntegrationEvent(EventId, OccurredAt);
