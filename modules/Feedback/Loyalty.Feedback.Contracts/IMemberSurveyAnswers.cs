namespace Loyalty.Feedback.Contracts;

/// <summary>
/// The surveys a member answered, newest first, for the staff's member page. Each read is recorded in the audit log as
/// an access to the member's personal data, by the signed-in person.
/// </summary>
public interface IMemberSurveyAnswers
{
    Task<IReadOnlyList<MemberSurveyAnswer>> OfMemberAsync(string programCode, Guid memberId, int take, CancellationToken cancellationToken);
}

/// <param name="Title">The survey's title in its default language.</param>
/// <param name="Score">The answer to the survey's first NPS question (0-10), else to its first rating; null when it has neither or it was skipped.</param>
public sealed record MemberSurveyAnswer(Guid ResponseId, string SurveyKey, int SurveyVersion, string Title, DateTimeOffset SubmittedAt, int? Score, int Answers);
