using System.Text.Json;
using Loyalty.Feedback.Persistence;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.PersonalData;

/// <summary>
/// Feedback keeps a member's survey sends, responses and reviews under their Members id. Erasure deletes what they
/// wrote in their own words (free-text answers, review texts) and the sends not answered, and revokes the links of
/// the answered ones; scores, choices and the tier at the time stay under the pseudonymous id, so NPS, distributions
/// and response rates stay as they were.
/// </summary>
internal sealed class FeedbackPersonalData(FeedbackDbContext db, TimeProvider clock) : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly RetainedData[] Retained =
    [
        new("Scores and choices of survey responses, ratings of reviews, under the pseudonymous member id",
            "Art. 17(3)(e) and Art. 89: statistics (NPS, rating distributions, response rates) stay correct; they lead to no person"),
    ];

    public string Module => FeedbackDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["survey invitations and responses (scores, choices, free texts, tier at the time)", "product and store reviews (rating, text)"],
        ["asking members for feedback", "measuring satisfaction (NPS, ratings)", "publishing moderated reviews", "rewarding feedback"],
        "until erasure; then free texts are deleted and scores kept under the pseudonymous member id");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("surveySends");
        await foreach (var send in db.Sends.AsNoTracking().Where(s => s.MemberId == memberId).OrderBy(s => s.CreatedAt)
                           .Select(s => new { s.Program, s.SurveyKey, s.Trigger, s.CreatedAt, s.SendAt, s.ExpiresAt, s.RespondedAt })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, send, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("surveyResponses");
        await foreach (var response in db.Responses.AsNoTracking().Include(r => r.Answers).Where(r => r.MemberId == memberId).OrderBy(r => r.SubmittedAt)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, new
            {
                response.Id, response.Program, response.SurveyKey, response.SurveyVersion, response.TierCode, response.Locale, response.SubmittedAt,
                Answers = response.Answers.Select(a => new { a.QuestionId, a.Score, Choices = a.Choices?.Split(','), a.Text }),
            }, Json);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("reviews");
        await foreach (var review in db.Reviews.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.SubmittedAt)
                           .Select(r => new { r.Id, r.Program, r.ExternalId, r.SubjectType, r.SubjectId, r.Rating, r.Text, Status = r.Status.ToString(), r.Reason, r.SubmittedAt, r.ModeratedAt })
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, review, Json);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var responses = db.Responses.Where(r => r.MemberId == memberId).Select(r => r.Id);
        await db.Answers.Where(a => responses.Contains(a.ResponseId) && a.Text != null).ExecuteDeleteAsync(cancellationToken);
        await db.Reviews.Where(r => r.MemberId == memberId).ExecuteUpdateAsync(set => set.SetProperty(r => r.Text, (string?)null), cancellationToken);
        await db.Sends.Where(s => s.MemberId == memberId && s.RespondedAt == null).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Sends.Where(s => s.MemberId == memberId && s.RevokedAt == null).ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now), cancellationToken);
        var kept = await db.Responses.AnyAsync(r => r.MemberId == memberId, cancellationToken) || await db.Reviews.AnyAsync(r => r.MemberId == memberId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureReport(Module, ["free-text survey answers", "review texts", "unanswered survey invitations", "personal survey links (revoked)"], kept ? Retained : []);
    }
}
