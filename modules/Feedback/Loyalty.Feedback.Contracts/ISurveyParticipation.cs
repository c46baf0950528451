namespace Loyalty.Feedback.Contracts;

/// <summary>
/// Set-based reads of who answered surveys, for Campaigns' segment conditions on engagement: one query for a page of
/// member ids, no answers and no personal data beyond counts and times.
/// </summary>
public interface ISurveyParticipation
{
    /// <summary>
    /// Of <paramref name="memberIds"/>, those who answered at least one survey of the program: how many responses they
    /// submitted at or after <paramref name="since"/> (every response when it is null) and when they last answered.
    /// Members who never answered are left out.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, SurveyParticipation>> OfMembersAsync(
        string programCode, IReadOnlyCollection<Guid> memberIds, DateTimeOffset? since, CancellationToken cancellationToken);
}

public sealed record SurveyParticipation(int Answered, DateTimeOffset LastAnsweredAt);
