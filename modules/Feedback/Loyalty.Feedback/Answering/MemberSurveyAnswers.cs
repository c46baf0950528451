using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Persistence;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Answering;

internal sealed class MemberSurveyAnswers(FeedbackDbContext db, AuditTrail audit) : IMemberSurveyAnswers
{
    public async Task<IReadOnlyList<MemberSurveyAnswer>> OfMemberAsync(string programCode, Guid memberId, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        var responses = await db.Responses.AsNoTracking().Include(r => r.Answers)
            .Where(r => r.Program == programCode && r.MemberId == memberId)
            .OrderByDescending(r => r.SubmittedAt).ThenByDescending(r => r.Id).Take(take).ToListAsync(cancellationToken);
        var surveyIds = responses.Select(r => r.SurveyId).Distinct().ToList();
        var definitions = (await db.Surveys.AsNoTracking().Where(s => surveyIds.Contains(s.Id)).ToListAsync(cancellationToken))
            .ToDictionary(s => s.Id, s => s.Parsed());
        audit.RecordPersonalDataAccess(db, "feedback.survey-answers.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);

        return [.. responses.Select(response =>
        {
            var definition = definitions.GetValueOrDefault(response.SurveyId);
            var questions = definition?.Questions?.OfType<Surveys.QuestionDefinition>().ToList() ?? [];
            var scored = questions.FirstOrDefault(q => q.Type == "nps") ?? questions.FirstOrDefault(q => q.Type == "rating");
            var title = definition?.Title is { } titles && definition.DefaultLocale is { } locale && titles.TryGetValue(locale, out var text)
                ? text
                : response.SurveyKey;
            return new MemberSurveyAnswer(
                response.Id, response.SurveyKey, response.SurveyVersion, title, response.SubmittedAt,
                response.Answers.FirstOrDefault(a => a.QuestionId == scored?.Id)?.Score, response.Answers.Count);
        })];
    }
}
