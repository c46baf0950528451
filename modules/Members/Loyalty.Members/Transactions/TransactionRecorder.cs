using System.Text.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

/// <summary>What recording a transaction came to; the API and the importer each turn it into their own answer.</summary>
internal abstract record TransactionOutcome
{
    /// <summary>Recorded now (<paramref name="IsNew"/>) or earlier under the same external id with the same content.</summary>
    public sealed record Recorded(PurchaseTransaction Transaction, bool IsNew) : TransactionOutcome;

    /// <summary>No member has the card or external id yet; the purchase waits for a retro-claim.</summary>
    public sealed record Held(HeldTransaction Transaction) : TransactionOutcome;

    public sealed record Invalid(ValidationErrors Errors) : TransactionOutcome;

    public sealed record UnknownMember : TransactionOutcome;

    /// <summary>Another transaction has this external id.</summary>
    public sealed record Conflict(string Detail) : TransactionOutcome;

    /// <summary>Well-formed, but the business rules refuse it (a suspended member, a return of nothing bought).</summary>
    public sealed record Refused(string Title, string Detail) : TransactionOutcome;
}

/// <summary>
/// Records a purchase (its points decided by <see cref="IEarningEngine"/>) or a return (taking back what the returned
/// lines earned), with its ledger entries and events, in one transaction. Idempotent on the external id.
/// </summary>
internal sealed class TransactionRecorder(
    MembersDbContext db, PointsLedger ledger, IEarningEngine earning, TierEvaluation tiers, TierBenefits tierBenefits, TimeProvider clock)
{
    public async Task<TransactionOutcome> RecordAsync(LoyaltyProgram program, TransactionRequest request, CancellationToken cancellationToken)
    {
        var errors = request.Validate(program, clock.GetUtcNow());
        if (!errors.IsEmpty)
        {
            return new TransactionOutcome.Invalid(errors);
        }

        var hash = request.Hash();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ConcurrencyRetry.RunAsync(db, ct => RecordOnceAsync(program, request, hash, ct), cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // The same external id was recorded concurrently; the second round answers from that record.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<TransactionOutcome> RecordOnceAsync(LoyaltyProgram program, TransactionRequest request, string hash, CancellationToken cancellationToken)
    {
        var existing = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.ProgramId == program.Id && t.ExternalId == request.ExternalId, cancellationToken);
        if (existing is not null)
        {
            return existing.RequestHash == hash
                ? new TransactionOutcome.Recorded(existing, IsNew: false)
                : AnotherTransaction(request);
        }

        var member = await FindMemberAsync(program.Id, request, cancellationToken);
        if (member is null)
        {
            return await HoldAsync(program, request, hash, cancellationToken);
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

        var refusal = transaction.Type == TransactionType.Purchase
            ? await EarnAsync(program, member, transaction, cancellationToken)
            : await TakeBackAsync(program, member, transaction, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        db.Transactions.Add(transaction);
        await tiers.UpgradeAsync(program, member.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new TransactionOutcome.Recorded(transaction, IsNew: true);
    }

    /// <summary>
    /// A purchase naming a card or external id nobody has yet is held until the program's retro-claim window after it
    /// occurred closes; anything else for an unknown member is refused. Holding is idempotent on the external id like recording.
    /// </summary>
    private async Task<TransactionOutcome> HoldAsync(LoyaltyProgram program, TransactionRequest request, string hash, CancellationToken cancellationToken)
    {
        var identifier = request.CardNumber is not null ? (IdentifierKind.Card, request.CardNumber)
            : request.MemberExternalId is not null ? (IdentifierKind.ExternalId, request.MemberExternalId)
            : ((IdentifierKind, string)?)null;
        var now = clock.GetUtcNow();
        var claimableUntil = request.OccurredAt!.Value.AddDays(program.RetroClaimDays);
        if (program.RetroClaimDays == 0 || request.ParsedType != TransactionType.Purchase || identifier is not var (kind, value) || claimableUntil <= now)
        {
            return new TransactionOutcome.UnknownMember();
        }

        var held = await db.HeldTransactions.AsNoTracking().SingleOrDefaultAsync(h => h.ProgramId == program.Id && h.ExternalId == request.ExternalId, cancellationToken);
        if (held is not null)
        {
            return held.RequestHash == hash ? new TransactionOutcome.Held(held) : AnotherTransaction(request);
        }

        held = new HeldTransaction
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = program.Id,
            ExternalId = request.ExternalId!,
            IdentifierKind = kind,
            IdentifierValue = value,
            Request = JsonSerializer.Serialize(request),
            RequestHash = hash,
            OccurredAt = request.OccurredAt!.Value,
            HeldAt = now,
            ClaimableUntil = claimableUntil,
        };
        db.HeldTransactions.Add(held);
        await db.SaveChangesAsync(cancellationToken);
        return new TransactionOutcome.Held(held);
    }

    private async Task<TransactionOutcome?> EarnAsync(LoyaltyProgram program, Member member, PurchaseTransaction transaction, CancellationToken cancellationToken)
    {
        if (member.Status != MemberStatus.Active)
        {
            return new TransactionOutcome.Refused("The member cannot earn points.", $"The membership is {member.Status.ToString().ToLowerInvariant()}.");
        }

        var multiplier = await tierBenefits.EarningMultiplierAsync(program.Id, member.Id, cancellationToken);
        var decision = await earning.DecideAsync(EarningRequestFor(program, member, multiplier, transaction), cancellationToken);
        for (var i = 0; i < transaction.Lines.Count; i++)
        {
            transaction.Lines[i].Points = decision.LinePoints[i];
        }

        transaction.Points = decision.Points;
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

    private static EarningRequest EarningRequestFor(LoyaltyProgram program, Member member, decimal tierMultiplier, PurchaseTransaction transaction) => new(
        new EarningProgram(
            program.Id, program.Code, program.TimeZone, program.Currency, Currencies.MinorUnitsPerUnit(program.Currency),
            program.PointsPerCurrencyUnit, program.BaseRateScope.ToString()),
        new EarningMember(member.Id, member.EnrolledAt, member.EnrollmentChannel, member.BirthDate, member.TierState?.TierCode, tierMultiplier, member.Attributes),
        new EarningPurchase(
            transaction.ExternalId, transaction.OccurredAt, transaction.Channel, transaction.Store, transaction.TotalMinor,
            [.. transaction.Lines.Select(l => new EarningLine(l.LineNumber, l.Sku, l.Category, l.Quantity, l.UnitPriceMinor, l.AmountMinor))]));

    /// <summary>
    /// Takes back what the returned lines earned, in proportion to the quantity returned, never more than they earned
    /// in all returns together. A return without lines takes back in proportion to its total.
    /// </summary>
    private async Task<TransactionOutcome?> TakeBackAsync(LoyaltyProgram program, Member member, PurchaseTransaction transaction, CancellationToken cancellationToken)
    {
        var purchase = await db.Transactions.SingleOrDefaultAsync(
            t => t.ProgramId == program.Id && t.ExternalId == transaction.OriginalExternalId && t.Type == TransactionType.Purchase, cancellationToken);
        if (purchase is null || purchase.MemberId != member.Id)
        {
            return new TransactionOutcome.Refused("Unknown original purchase.", $"This member has no purchase '{transaction.OriginalExternalId}'.");
        }

        long points = 0;
        if (transaction.Lines.Count == 0)
        {
            var reversedSoFar = purchase.Lines.Count > 0 ? purchase.Lines.Sum(l => l.ReversedPoints) : await ReversedSoFarAsync(purchase, cancellationToken);
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
                    return new TransactionOutcome.Refused("The return does not match the purchase.", $"Purchase '{purchase.ExternalId}' has no more of '{returned.Sku}' to return.");
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

    private async Task<long> ReversedSoFarAsync(PurchaseTransaction purchase, CancellationToken cancellationToken) =>
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

    private async Task<Member?> FindMemberAsync(Guid programId, TransactionRequest request, CancellationToken cancellationToken)
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

    private static TransactionOutcome.Conflict AnotherTransaction(TransactionRequest request) =>
        new($"Transaction '{request.ExternalId}' was recorded with other content; a correction is a return or a new transaction.");
}
