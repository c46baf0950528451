using Loyalty.Feedback.Contracts;
using Loyalty.Feedback.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Answering;

/// <summary>Counts responses per member over Feedback's own table, in one grouped query per call.</summary>
internal sealed class SurveyParticipationQuery(FeedbackDbContext db) : ISurveyParticipation
{
    public async Task<IReadOnlyDictionary<Guid, SurveyParticipation>> OfMembersAsync(
        string programCode, IReadOnlyCollection<Guid> memberIds, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
        {
            return new Dictionary<Guid, SurveyParticipation>();
        }

        var ids = memberIds.Select(id => (Guid?)id).ToList();
        var rows = await db.Responses.AsNoTracking()
            .Where(r => r.Program == programCode && r.MemberId != null && ids.Contains(r.MemberId))
            .GroupBy(r => r.MemberId)
            .Select(g => new { MemberId = g.Key, Answered = g.Count(r => since == null || r.SubmittedAt >= since), Last = g.Max(r => r.SubmittedAt) })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.MemberId!.Value, r => new SurveyParticipation(r.Answered, r.Last));
    }
}
