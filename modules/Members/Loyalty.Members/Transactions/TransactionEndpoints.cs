using System.Diagnostics;
using System.Text.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Loyalty.Members.Transactions;

/// <summary><see cref="Rules"/>: the earning rule versions that decided the points and what each added (null: the base rate alone).</summary>
internal sealed record TransactionResultDto(Guid Id, string ExternalId, string Type, Guid MemberId, long Points, DateTimeOffset RecordedAt, IReadOnlyList<AppliedRule>? Rules);

/// <summary>A purchase waiting for its member to enrol: <c>status</c> is <c>held</c>.</summary>
internal sealed record HeldTransactionDto(string ExternalId, string Status, DateTimeOffset HeldAt, DateTimeOffset ClaimableUntil);

internal static class TransactionEndpoints
{
    public static void MapTransactionEndpoints(this RouteGroupBuilder api) =>
        api.MapPost("/programs/{program}/transactions", Record)
            .RequireAuthorization(Policies.Integrate)
            .WithIdempotencyKey<MembersDbContext>(IdempotencyClaimMode.WithFirstSave)
            .WithExample("Record a purchase or a return", new TransactionRequest(
                "T-1001", "purchase", null, null, "C-123", null, new DateTimeOffset(2026, 11, 20, 17, 45, 0, TimeSpan.Zero), "pos", "berlin-mitte", "EUR", 999,
                [new TransactionLineRequest("latte", "coffee", 2, 350), new TransactionLineRequest("cake", null, 1, 299)]));

    /// <summary>
    /// Records a purchase (earning points) or a return (taking back what the returned lines earned). Idempotent on
    /// <c>externalId</c>: the same transaction again answers the first result (200) and credits nothing; another
    /// transaction under the same id is a conflict (409). With retro-claims on, a purchase for a card or external id no
    /// member has yet is held (202) and credited when a member enrols with it.
    /// </summary>
    private static async Task<Results<Created<TransactionResultDto>, Ok<TransactionResultDto>, Accepted<HeldTransactionDto>, ValidationProblem, ProblemHttpResult>> Record(
        string program, TransactionRequest request, MembersDbContext db, ProgramCache programs, TransactionRecorder recorder, TransactionMetrics metrics,
        CancellationToken cancellationToken)
    {
        var loyaltyProgram = await programs.FindAsync(db, program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var outcome = await recorder.RecordAsync(loyaltyProgram, request, cancellationToken);
        if (outcome is TransactionOutcome.Recorded { IsNew: true } created)
        {
            metrics.Recorded(created.Transaction);
        }

        return outcome switch
        {
            TransactionOutcome.Recorded { IsNew: true } recorded =>
                TypedResults.Created($"/api/members/programs/{program}/transactions/{recorded.Transaction.ExternalId}", ToDto(recorded.Transaction)),
            TransactionOutcome.Recorded recorded => TypedResults.Ok(ToDto(recorded.Transaction)),
            TransactionOutcome.Held held => TypedResults.Accepted(
                (string?)null, new HeldTransactionDto(held.Transaction.ExternalId, "held", held.Transaction.HeldAt, held.Transaction.ClaimableUntil)),
            TransactionOutcome.Invalid invalid => invalid.Errors.ToProblem(),
            TransactionOutcome.Conflict conflict => TypedResults.Problem(
                title: "Another transaction has this external id.", detail: conflict.Detail, statusCode: StatusCodes.Status409Conflict),
            TransactionOutcome.Refused refused => TypedResults.Problem(
                title: refused.Title, detail: refused.Detail, statusCode: StatusCodes.Status422UnprocessableEntity),
            TransactionOutcome.UnknownMember => TypedResults.Problem(
                title: "Unknown member.", detail: "No member of this program has the id, card or external id given.", statusCode: StatusCodes.Status404NotFound),
            var other => throw new UnreachableException($"Unhandled outcome {other.GetType().Name}."),
        };
    }

    private static TransactionResultDto ToDto(PurchaseTransaction t) =>
        new(t.Id, t.ExternalId, t.Type.ToString(), t.MemberId, t.Points, t.RecordedAt,
            t.EarnedBy is null ? null : JsonSerializer.Deserialize<List<AppliedRule>>(t.EarnedBy, JsonSerializerOptions.Web));
}
