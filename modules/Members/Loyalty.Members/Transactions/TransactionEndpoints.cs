using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

internal sealed record TransactionResultDto(Guid Id, string ExternalId, string Type, Guid MemberId, long Points, DateTimeOffset RecordedAt);

internal static class TransactionEndpoints
{
    public static void MapTransactionEndpoints(this RouteGroupBuilder api) =>
        api.MapPost("/programs/{program}/transactions", Record)
            .RequireAuthorization(Policies.Integrate)
            .WithIdempotencyKey<MembersDbContext>();

    /// <summary>
    /// Records a purchase (earning points at the program's base rate) or a return (taking back what the returned lines
    /// earned). Idempotent on <c>externalId</c>: the same transaction again answers the first result (200) and credits
    /// nothing; another transaction under the same id is a conflict (409).
    /// </summary>
    private static async Task<Results<Created<TransactionResultDto>, Ok<TransactionResultDto>, ValidationProblem, ProblemHttpResult>> Record(
        string program, TransactionRequest request, MembersDbContext db, PointsLedger ledger, TierEvaluation tiers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var errors = request.Validate(loyaltyProgram, clock.GetUtcNow());
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var hash = request.Hash();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ConcurrencyRetry.RunAsync(db, ct => RecordOnceAsync(loyaltyProgram, request, hash, db, ledger, tiers, clock, ct), cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // The same external id was recorded concurrently; the second round answers from that record.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<Results<Created<TransactionResultDto>, Ok<TransactionResultDto>, ValidationProblem, ProblemHttpResult>> RecordOnceAsync(
        LoyaltyProgram program, TransactionRequest request, string hash, MembersDbContext db, PointsLedger ledger, TierEvaluation tiers, TimeProvider clock, CancellationToken cancellationToken)
    {
        var existing = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.ProgramId == program.Id && t.ExternalId == request.ExternalId, cancellationToken);
        if (existing is not null)
        {
            return existing.RequestHash == hash
                ? TypedResults.Ok(ToDto(existing))
                : TypedResults.Problem(
                    title: "Another transaction has this external id.",
                    detail: $"Transaction '{request.ExternalId}' was recorded with other content; a correction is a return or a new transaction.",
                    statusCode: StatusCodes.Status409Conflict);
        }

        var member = await FindMemberAsync(db, program.Id, request, cancellationToken);
        if (member is null)
        {
            return TypedResults.Problem(title: "Unknown member.", detail: "No member of this program has the id, card or external id given.", statusCode: StatusCodes.Status404NotFound);
        }

        var now = clock.GetUtcNow();
        var transaction = new PurchaseTransaction
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = program.Id,
            MemberId = member.Id,
            ExternalId = request.ExternalId!,
            Type = request.ParsedType,
            OriginalExternalId = request.OriginalExternalId,
            OccurredAt = request.OccurredAt!.Value,
            Channel = request.Channel ?? "api",
            Store = request.Store,
            Currency = request.Currency!,
            TotalMinor = request.Total!.Value,
            Lines = [.. (request.Lines ?? []).Select((line, i) => new TransactionLine
            {
                LineNumber = i + 1,
                Sku = line.Sku!,
                Category = line.Category,
                Quantity = line.Quantity!.Value,
                UnitPriceMinor = line.UnitPrice!.Value,
                AmountMinor = TransactionRequest.AmountOf(line),
            })],
            RequestHash = hash,
            RecordedAt = now,
        };

        var problem = transaction.Type == TransactionType.Purchase
            ? await EarnAsync(program, member, transaction, db, ledger, clock, cancellationToken)
            : await TakeBackAsync(program, member, transaction, db, ledger, clock, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        db.Transactions.Add(transaction);
        await tiers.UpgradeAsync(program, member.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/members/programs/{program.Code}/transactions/{transaction.ExternalId}", ToDto(transaction));
    }

    private static async Task<ProblemHttpResult?> EarnAsync(
        LoyaltyProgram program, Member member, PurchaseTransaction transaction, MembersDbContext db, PointsLedger ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (member.Status != MemberStatus.Active)
        {
            return TypedResults.Problem(title: "The member cannot earn points.", detail: $"The membership is {member.Status.ToString().ToLowerInvariant()}.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        transaction.Points = BasePoints(program, transaction);
        if (transaction.Points == 0)
        {
            return null;
        }

        var reference = new LedgerReference("transaction", transaction.ExternalId);
        var points = await ledger.AccountAsync(program, member.Id, program.PointsCurrency, cancellationToken);
        var entry = ledger.Accrue(program, points, transaction.Points, reference, transaction.OccurredAt);
        transaction.LedgerEntryId = entry.Id;
        var qualifying = await ledger.AccountAsync(program, member.Id, program.QualifyingCurrency, cancellationToken);
        ledger.Accrue(program, qualifying, transaction.Points, reference, transaction.OccurredAt);

        var now = clock.GetUtcNow();
        db.Publish(new PointsAccrued(
            Guid.CreateVersion7(now), now, program.Id, member.Id, program.PointsCurrency, transaction.Points,
            reference.Type, reference.Id, entry.AvailableAt ?? transaction.OccurredAt, program.ExpiryFor(transaction.OccurredAt)));
        return null;
    }

    /// <summary>
    /// Points at the program's base rate. Per line, each line's points are its own (what a return of it takes back);
    /// per transaction, the total's points are shared out over the lines by amount.
    /// </summary>
    private static long BasePoints(LoyaltyProgram program, PurchaseTransaction transaction)
    {
        if (program.BaseRateScope == BaseRateScope.PerLine && transaction.Lines.Count > 0)
        {
            foreach (var line in transaction.Lines)
            {
                line.Points = program.BasePoints(line.AmountMinor);
            }

            return transaction.Lines.Sum(l => l.Points);
        }

        var total = program.BasePoints(transaction.TotalMinor);
        var lineAmounts = transaction.Lines.Sum(l => l.AmountMinor);
        var shared = 0L;
        foreach (var line in transaction.Lines)
        {
            line.Points = lineAmounts == 0 ? 0 : total * line.AmountMinor / lineAmounts;
            shared += line.Points;
        }

        if (transaction.Lines.Count > 0)
        {
            transaction.Lines[^1].Points += total - shared;
        }

        return total;
    }

    /// <summary>
    /// Takes back what the returned lines earned, in proportion to the quantity returned, never more than they earned
    /// in all returns together. A return without lines takes back in proportion to its total.
    /// </summary>
    private static async Task<ProblemHttpResult?> TakeBackAsync(
        LoyaltyProgram program, Member member, PurchaseTransaction transaction, MembersDbContext db, PointsLedger ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var purchase = await db.Transactions.SingleOrDefaultAsync(
            t => t.ProgramId == program.Id && t.ExternalId == transaction.OriginalExternalId && t.Type == TransactionType.Purchase, cancellationToken);
        if (purchase is null || purchase.MemberId != member.Id)
        {
            return TypedResults.Problem(title: "Unknown original purchase.", detail: $"This member has no purchase '{transaction.OriginalExternalId}'.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        long points = 0;
        if (transaction.Lines.Count == 0)
        {
            var reversedSoFar = purchase.Lines.Count > 0 ? purchase.Lines.Sum(l => l.ReversedPoints) : await ReversedSoFarAsync(db, purchase, cancellationToken);
            points = Math.Min(purchase.Points * Math.Min(transaction.TotalMinor, purchase.TotalMinor) / purchase.TotalMinor, purchase.Points - reversedSoFar);
            SpreadOverLines(purchase, points);
        }
        else
        {
            foreach (var returned in transaction.Lines)
            {
                var line = purchase.Lines.FirstOrDefault(l => l.Sku == returned.Sku && l.ReturnedQuantity < l.Quantity);
                if (line is null)
                {
                    return TypedResults.Problem(title: "The return does not match the purchase.", detail: $"Purchase '{purchase.ExternalId}' has no more of '{returned.Sku}' to return.", statusCode: StatusCodes.Status422UnprocessableEntity);
                }

                var quantity = Math.Min(returned.Quantity, line.Quantity - line.ReturnedQuantity);
                var share = (long)decimal.Floor(line.Points * quantity / line.Quantity);
                var taken = Math.Min(share, line.Points - line.ReversedPoints);
                line.ReturnedQuantity += quantity;
                line.ReversedPoints += taken;
                returned.Points = -taken;
                points += taken;
            }
        }

        transaction.Points = -points;
        if (points == 0 || purchase.LedgerEntryId is null)
        {
            return null;
        }

        var reference = new LedgerReference("transaction", transaction.ExternalId);
        var account = await ledger.AccountAsync(program, member.Id, program.PointsCurrency, cancellationToken);
        var entry = await ledger.ReverseAsync(program, account, points, purchase.LedgerEntryId.Value, reference, cancellationToken);
        transaction.LedgerEntryId = entry?.Id;
        var qualifyingAccrual = await db.LedgerEntries
            .Join(db.PointsAccounts, e => e.AccountId, a => a.Id, (e, a) => new { Entry = e, a.Currency })
            .Where(x => x.Entry.ReferenceType == "transaction" && x.Entry.ReferenceId == purchase.ExternalId && x.Entry.MemberId == member.Id && x.Currency == program.QualifyingCurrency)
            .Select(x => x.Entry.Id)
            .SingleOrDefaultAsync(cancellationToken);
        var qualifying = await ledger.AccountAsync(program, member.Id, program.QualifyingCurrency, cancellationToken);
        await ledger.ReverseAsync(program, qualifying, points, qualifyingAccrual, reference, cancellationToken);

        if (entry is not null)
        {
            var now = clock.GetUtcNow();
            db.Publish(new PointsReversed(Guid.CreateVersion7(now), now, program.Id, member.Id, program.PointsCurrency, -entry.Points, reference.Type, reference.Id));
        }

        return null;
    }

    private static async Task<long> ReversedSoFarAsync(MembersDbContext db, PurchaseTransaction purchase, CancellationToken cancellationToken) =>
        -await db.Transactions
            .Where(t => t.ProgramId == purchase.ProgramId && t.OriginalExternalId == purchase.ExternalId && t.Type == TransactionType.Return)
            .SumAsync(t => t.Points, cancellationToken);

    private static void SpreadOverLines(PurchaseTransaction purchase, long points)
    {
        foreach (var line in purchase.Lines)
        {
            var take = Math.Min(points, line.Points - line.ReversedPoints);
            line.ReversedPoints += take;
            points -= take;
        }
    }

    private static async Task<Member?> FindMemberAsync(MembersDbContext db, Guid programId, TransactionRequest request, CancellationToken cancellationToken)
    {
        if (request.MemberId is { } id)
        {
            return await db.Members.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id && m.ProgramId == programId, cancellationToken);
        }

        var (kind, value) = request.CardNumber is not null ? (IdentifierKind.Card, request.CardNumber) : (IdentifierKind.ExternalId, request.MemberExternalId);
        var memberId = await db.MemberIdentifiers
            .Where(i => i.ProgramId == programId && i.Kind == kind && i.Value == value)
            .Select(i => (Guid?)i.MemberId)
            .SingleOrDefaultAsync(cancellationToken);
        return memberId is null ? null : await db.Members.AsNoTracking().SingleAsync(m => m.Id == memberId, cancellationToken);
    }

    private static TransactionResultDto ToDto(PurchaseTransaction t) =>
        new(t.Id, t.ExternalId, t.Type.ToString(), t.MemberId, t.Points, t.RecordedAt);
}
