using System.Text.Json.Serialization;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Scores;

/// <summary>
/// A rule segment's conditions on scores, all of which must hold (ranges inclusive) besides its member conditions: the
/// scores live in Campaigns, the member conditions are answered by Members, so the two meet here, page by page.
/// Members without scores (not scored yet, excluded from profiling) never match.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ScoreConditions(
    ValueRange? Recency = null, ValueRange? Frequency = null, ValueRange? Monetary = null, ValueRange? ChurnRisk = null, ValueRange? LifetimeValue = null)
{
    public void Validate(ValidationErrors errors, string field = "scores")
    {
        errors.Check((Recency ?? Frequency ?? Monetary ?? ChurnRisk ?? LifetimeValue) is not null, field, "Give at least one of recency, frequency, monetary, churnRisk, lifetimeValue.");
        Check(Recency, "recency", 1, 5);
        Check(Frequency, "frequency", 1, 5);
        Check(Monetary, "monetary", 1, 5);
        Check(ChurnRisk, "churnRisk", 0, 100);
        Check(LifetimeValue, "lifetimeValue", 0, long.MaxValue);

        void Check(ValueRange? range, string name, long lowest, long highest)
        {
            if (range is null)
            {
                return;
            }

            errors.Check(range.Min is not null || range.Max is not null, $"{field}.{name}", "Give min, max or both.")
                .Check(range.Min is null || (range.Min >= lowest && range.Min <= highest), $"{field}.{name}.min", $"Give {lowest} to {highest}.")
                .Check(range.Max is null || (range.Max >= lowest && range.Max <= highest), $"{field}.{name}.max", $"Give {lowest} to {highest}.")
                .Check(range.Min is null || range.Max is null || range.Min <= range.Max, $"{field}.{name}.max", "max must not be below min.");
        }
    }

    /// <summary>The members among <paramref name="memberIds"/> whose scores in the program meet every range, in the order given.</summary>
    public async Task<IReadOnlyList<Guid>> FilterAsync(CampaignsDbContext db, string program, IReadOnlyList<Guid> memberIds, CancellationToken cancellationToken)
    {
        var scores = db.MemberScores.AsNoTracking().Where(s => s.Program == program && memberIds.Contains(s.MemberId));
        if (Recency is { } recency)
        {
            scores = scores.Where(s => (recency.Min == null || s.Recency >= recency.Min) && (recency.Max == null || s.Recency <= recency.Max));
        }

        if (Frequency is { } frequency)
        {
            scores = scores.Where(s => (frequency.Min == null || s.Frequency >= frequency.Min) && (frequency.Max == null || s.Frequency <= frequency.Max));
        }

        if (Monetary is { } monetary)
        {
            scores = scores.Where(s => (monetary.Min == null || s.Monetary >= monetary.Min) && (monetary.Max == null || s.Monetary <= monetary.Max));
        }

        if (ChurnRisk is { } churn)
        {
            scores = scores.Where(s => (churn.Min == null || s.ChurnRisk >= churn.Min) && (churn.Max == null || s.ChurnRisk <= churn.Max));
        }

        if (LifetimeValue is { } value)
        {
            scores = scores.Where(s => (value.Min == null || s.LifetimeValueMinor >= value.Min) && (value.Max == null || s.LifetimeValueMinor <= value.Max));
        }

        var matching = (await scores.Select(s => s.MemberId).ToListAsync(cancellationToken)).ToHashSet();
        return memberIds.Where(matching.Contains).ToList();
    }
}
