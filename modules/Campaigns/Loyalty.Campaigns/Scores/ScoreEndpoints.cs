using System.Text.Json;
using Loyalty.Campaigns.Persistence;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Scores;

internal sealed record ScoreRunDto(string State, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int Scored, int Excluded, int Removed, string? FailureReason);

/// <param name="Kind"><c>logisticRegression</c> or <c>heuristic</c>.</param>
/// <param name="Reason">Why the heuristic is used (<c>heuristic: too little history …</c>); null for the regression.</param>
/// <param name="ValidationAuc">The model's AUC on the held-out period; null when it had not both outcomes.</param>
internal sealed record ScoreModelDto(
    string Program, string Kind, string? Reason, IReadOnlyList<ChurnFeature> Features, double Intercept, DateTimeOffset TrainedAt,
    DateTimeOffset TrainingCutOff, DateTimeOffset ValidationCutOff, double? ValidationAuc, int TrainingMembers, int TrainingLapsed,
    int ValidationMembers, int ValidationLapsed, RfmBoundaries RfmBoundaries, ScoreRunDto Run);

/// <param name="LifetimeValue">In minor units of <paramref name="Currency"/>.</param>
internal sealed record MemberScoreDto(
    Guid MemberId, int Recency, int Frequency, int Monetary, string Rfm, int ChurnRisk, long LifetimeValue, string Currency, DateTimeOffset ComputedAt);

internal static class ScoreEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapScoreEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/programs/{program}/scores/model", Model).RequireAuthorization(Policies.ViewPrograms)
            .WithSummary("The program's churn model: kind, features and weights, when trained, the validation AUC and the counts");
        api.MapGet("/programs/{program}/members/{memberId:guid}/scores", OfMember).RequireAuthorization(Policies.ManagePrograms)
            .WithSummary("A member's RFM quintiles, churn risk and lifetime value from the last score run");
    }

    private static async Task<Results<Ok<ScoreModelDto>, ProblemHttpResult>> Model(string program, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var run = await db.ScoreRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Program == program, cancellationToken);
        if (run?.ModelKind is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No model yet",
                detail: "The program's scores have not been computed yet; the daily score job trains the model.");
        }

        return TypedResults.Ok(new ScoreModelDto(
            run.Program, run.ModelKind, run.Reason, JsonSerializer.Deserialize<List<ChurnFeature>>(run.Features!, Json)!, run.Intercept, run.TrainedAt!.Value,
            run.TrainingCutOff!.Value, run.ValidationCutOff!.Value, run.Auc, run.TrainingMembers, run.TrainingLapsed, run.ValidationMembers, run.ValidationLapsed,
            JsonSerializer.Deserialize<RfmBoundaries>(run.Boundaries!, Json)!,
            new ScoreRunDto(Name(run.State), run.StartedAt, run.CompletedAt, run.Scored, run.Excluded, run.Removed, run.FailureReason)));
    }

    private static async Task<Results<Ok<MemberScoreDto>, ProblemHttpResult>> OfMember(
        string program, Guid memberId, CampaignsDbContext db, IMemberSelection selection, [FromServices] IConsentGate consent, AuditTrail audit,
        CancellationToken cancellationToken)
    {
        var score = await db.MemberScores.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program && s.MemberId == memberId, cancellationToken);
        // An objection since the last run takes effect now, not at the next run.
        if (score is not null && await selection.ProgramIdAsync(program, cancellationToken) is { } programId
            && (await consent.ExcludedFromAsync(programId, ProcessingUse.Profiling, cancellationToken)).Contains(memberId))
        {
            score = null;
        }

        if (score is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No scores for this member",
                detail: "The member has not been scored yet, is not an active member of the program, or is excluded from profiling (objection or restriction).");
        }

        audit.RecordPersonalDataAccess(db, "campaigns.scores.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new MemberScoreDto(
            score.MemberId, score.Recency, score.Frequency, score.Monetary, $"{score.Recency}{score.Frequency}{score.Monetary}", score.ChurnRisk,
            score.LifetimeValueMinor, score.Currency, score.ComputedAt));
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString() is var s ? char.ToLowerInvariant(s[0]) + s[1..] : "";
}
