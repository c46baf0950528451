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
    MembersDbContext db, PointsLedger ledger, IEarningEngine earning, TierEvaluation tiers, TimeProvider clock)
{
    /// <summary>The rows a batch of purchases only adds, saved at its end: on PostgreSQL they go in by binary COPY.</summary>
    private static readonly Type[] InsertedOnly = [typeof(PurchaseTransaction), typeof(TransactionLine), typeof(LedgerEntry), typeof(PointsLot), typeof(OutboxMessage)];

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
            // A purchase is first recorded without looking for its external id: almost every one is new, and the unique
            // index refuses one that is not. The second round then answers from the record found.
            var lookFirst = attempt > 1 || request.ParsedType != TransactionType.Purchase;
            try
            {
                return await ConcurrencyRetry.RunAsync(db, ct => RecordOnceAsync(program, request, hash, lookFirst, ct), cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // The external id was recorded before or concurrently; the second round answers from that record.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Records <paramref name="requests"/> in their order with the outcomes <see cref="RecordAsync"/> would give them one
    /// after another, but loads what the purchases need for the whole batch in a few queries, keeps it up to date in
    /// memory (accounts, tiers, qualifying values) and saves once. Returns, unknown members and an external id repeated
    /// within the batch take the one-by-one path, after what came before them is saved. Call it inside a transaction:
    /// a concurrency conflict fails the whole batch, for the caller to roll back and run again.
    /// </summary>
    public async Task<IReadOnlyList<TransactionOutcome>> RecordBatchAsync(
        LoyaltyProgram program, IReadOnlyList<TransactionRequest> requests, CancellationToken cancellationToken)
    {
        var outcomes = new TransactionOutcome[requests.Count];
        var hashes = new string?[requests.Count];
        for (var i = 0; i < requests.Count; i++)
        {
            var errors = requests[i].Validate(program, clock.GetUtcNow());
            if (errors.IsEmpty)
            {
                hashes[i] = requests[i].Hash();
            }
            else
            {
                outcomes[i] = new TransactionOutcome.Invalid(errors);
            }
        }

        var batch = await LoadBatchAsync(program, [.. requests.Where((_, i) => hashes[i] is not null)], cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
        {
            if (hashes[i] is not { } hash)
            {
                continue;
            }

            var request = requests[i];
            if (!seen.Add(request.ExternalId!))
            {
                outcomes[i] = await RecordOneInBatchAsync(program, batch, request, hash, cancellationToken);
            }
            else if (batch.Existing.TryGetValue(request.ExternalId!, out var existing))
            {
                outcomes[i] = existing.RequestHash == hash ? new TransactionOutcome.Recorded(existing, IsNew: false) : AnotherTransaction(request);
            }
            else if (request.ParsedType == TransactionType.Purchase && batch.MemberFor(request) is { } member)
            {
                outcomes[i] = RefusedToEarn(member) ?? await RecordPurchaseInBatchAsync(program, batch, member, request, hash, cancellationToken);
            }
            else
            {
                outcomes[i] = await RecordOneInBatchAsync(program, batch, request, hash, cancellationToken);
            }
        }

        await db.SaveChangesCopyingAsync(InsertedOnly, cancellationToken);
        return outcomes;
    }

    /// <summary>What a batch's purchases need, loaded for all of them at once and kept up to date as they are added.</summary>
    private sealed class Batch
    {
        public required Dictionary<string, PurchaseTransaction> Existing { get; init; }

        public required Dictionary<(IdentifierKind Kind, string Value), Guid> MemberIds { get; init; }

        public required Dictionary<Guid, Member> Members { get; init; }

        /// <summary>Tracked; by member and currency.</summary>
        public required Dictionary<(Guid MemberId, string Currency), PointsAccount> Accounts { get; init; }

        /// <summary>Tracked; members without a tier are left out.</summary>
        public required Dictionary<Guid, MemberTier> Tiers { get; init; }

        public required TierSettings? TierSettings { get; init; }

        public required DateTimeOffset TierWindowStart { get; init; }

        /// <summary>Members without a value are left out (it is 0).</summary>
        public required Dictionary<Guid, long> QualifyingValues { get; init; }

        /// <summary>Members the one-by-one path wrote for: their accounts, tier and qualifying value are read again before the next purchase.</summary>
        public HashSet<Guid> Stale { get; } = [];

        public Member? MemberFor(TransactionRequest request)
        {
            var id = request.MemberId ?? (MemberIds.TryGetValue(IdentifierOf(request), out var found) ? found : null);
            return id is { } memberId ? Members.GetValueOrDefault(memberId) : null;
        }

        public decimal EarningMultiplierOf(Guid memberId) => TierSettings.EarningMultiplierOf(Tiers.GetValueOrDefault(memberId)?.TierCode);

        public static (IdentifierKind Kind, string Value) IdentifierOf(TransactionRequest request) =>
            request.CardNumber is not null ? (IdentifierKind.Card, request.CardNumber) : (IdentifierKind.ExternalId, request.MemberExternalId ?? string.Empty);
    }

    private async Task<Batch> LoadBatchAsync(LoyaltyProgram program, IReadOnlyList<TransactionRequest> requests, CancellationToken cancellationToken)
    {
        var externalIds = requests.Select(r => r.ExternalId!).Distinct().ToList();
        var existing = await db.Transactions.AsNoTracking()
            .Where(t => t.ProgramId == program.Id && externalIds.Contains(t.ExternalId))
            .ToDictionaryAsync(t => t.ExternalId, StringComparer.Ordinal, cancellationToken);

        var identifiers = requests.Where(r => r.MemberId is null).Select(Batch.IdentifierOf).ToList();
        var cards = identifiers.Where(i => i.Kind == IdentifierKind.Card).Select(i => i.Value).Distinct().ToList();
        var memberExternalIds = identifiers.Where(i => i.Kind == IdentifierKind.ExternalId).Select(i => i.Value).Distinct().ToList();
        var memberIds = (await db.MemberIdentifiers.AsNoTracking()
                .Where(i => i.ProgramId == program.Id
                    && ((i.Kind == IdentifierKind.Card && cards.Contains(i.Value)) || (i.Kind == IdentifierKind.ExternalId && memberExternalIds.Contains(i.Value))))
                .Select(i => new { i.Kind, i.Value, i.MemberId })
                .ToListAsync(cancellationToken))
            .ToDictionary(i => (i.Kind, i.Value), i => i.MemberId);

        var ids = requests.Where(r => r.MemberId is not null).Select(r => r.MemberId!.Value).Concat(memberIds.Values).Distinct().ToList();
        var members = await db.Members.AsNoTracking().IgnoreAutoIncludes()
            .Where(m => m.ProgramId == program.Id && ids.Contains(m.Id))
            .ToDictionaryAsync(m => m.Id, cancellationToken);
        var accounts = await db.PointsAccounts
            .Where(a => ids.Contains(a.MemberId) && (a.Currency == program.PointsCurrency || a.Currency == program.QualifyingCurrency))
            .ToDictionaryAsync(a => (a.MemberId, a.Currency), cancellationToken);
        var memberTiers = await db.MemberTiers.Where(s => ids.Contains(s.MemberId)).ToDictionaryAsync(s => s.MemberId, cancellationToken);
        var settings = await tiers.SettingsAsync(program.Id, cancellationToken);
        var windowStart = settings is null ? default : tiers.CurrentWindowStart(program, settings);
        return new Batch
        {
            Existing = existing,
            MemberIds = memberIds,
            Members = members,
            Accounts = accounts,
            Tiers = memberTiers,
            TierSettings = settings,
            TierWindowStart = windowStart,
            QualifyingValues = settings is null ? [] : await tiers.SavedQualifyingValuesAsync(program, settings, ids, windowStart, cancellationToken),
        };
    }

    /// <summary>
    /// A purchase of a known, active member, added to the context with its accruals; several of one member's purchases
    /// accumulate on the same accounts, and a purchase that reaches a tier upgrades the member before the next one earns.
    /// </summary>
    private async Task<TransactionOutcome> RecordPurchaseInBatchAsync(
        LoyaltyProgram program, Batch batch, Member member, TransactionRequest request, string hash, CancellationToken cancellationToken)
    {
        if (batch.Stale.Remove(member.Id))
        {
            await ReadMemberAgainAsync(program, batch, member.Id, cancellationToken);
        }

        var transaction = NewTransaction(program, member.Id, request, hash);
        await DecidePointsAsync(program, member, batch.Tiers.GetValueOrDefault(member.Id)?.TierCode, batch.EarningMultiplierOf(member.Id), transaction, cancellationToken);
        AnnouncePurchase(program, transaction);
        if (transaction.Points != 0 || transaction.QualifyingBonus != 0)
        {
            Credit(program, transaction, BatchAccount(program, batch, member.Id, program.PointsCurrency), BatchAccount(program, batch, member.Id, program.QualifyingCurrency));
        }

        db.Transactions.Add(transaction);
        if (batch.TierSettings is { } settings)
        {
            // What QualifyingValueAsync would count of this purchase: its qualifying accrual (credited now), or its spend in the window.
            var value = batch.QualifyingValues.GetValueOrDefault(member.Id) + (settings.Basis == TierBasis.Spend
                ? transaction.OccurredAt >= batch.TierWindowStart ? transaction.TotalMinor : 0
                : transaction.Points + transaction.QualifyingBonus);
            batch.QualifyingValues[member.Id] = value;
            if (tiers.Upgrade(program, settings, batch.Tiers.GetValueOrDefault(member.Id), member.Id, value) is { } tier)
            {
                batch.Tiers[member.Id] = tier;
            }
        }

        return new TransactionOutcome.Recorded(transaction, IsNew: true);
    }

    /// <summary>
    /// The batch holds every account its members had when it was loaded, and those the one-by-one path opened since
    /// (<see cref="ReadMemberAgainAsync"/> picks them up): one it lacks does not exist yet, with no query to ask.
    /// </summary>
    private PointsAccount BatchAccount(LoyaltyProgram program, Batch batch, Guid memberId, string currency)
    {
        if (!batch.Accounts.TryGetValue((memberId, currency), out var account))
        {
            account = ledger.OpenAccount(program, memberId, currency);
            batch.Accounts[(memberId, currency)] = account;
        }

        return account;
    }

    private async Task ReadMemberAgainAsync(LoyaltyProgram program, Batch batch, Guid memberId, CancellationToken cancellationToken)
    {
        foreach (var account in db.PointsAccounts.Local.Where(a => a.MemberId == memberId))
        {
            batch.Accounts[(memberId, account.Currency)] = account;
        }

        batch.Tiers.Remove(memberId);
        if (await db.MemberTiers.SingleOrDefaultAsync(s => s.MemberId == memberId, cancellationToken) is { } tier)
        {
            batch.Tiers[memberId] = tier;
        }

        if (batch.TierSettings is { } settings)
        {
            batch.QualifyingValues[memberId] = await tiers.QualifyingValueAsync(program, settings, memberId, batch.TierWindowStart, until: null, cancellationToken);
        }
    }

    /// <summary>
    /// Records one request the way <see cref="RecordAsync"/> does, inside the batch. That path reads the database, so
    /// what the batch added before it is saved first.
    /// </summary>
    private async Task<TransactionOutcome> RecordOneInBatchAsync(
        LoyaltyProgram program, Batch batch, TransactionRequest request, string hash, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        var outcome = await RecordOnceAsync(program, request, hash, lookFirst: true, cancellationToken);
        if (outcome is TransactionOutcome.Refused)
        {
            // A refused return may have changed the purchase it names before it found a line it could not take back.
            DiscardUnsavedChanges();
        }

        if (batch.MemberFor(request) is { } member)
        {
            batch.Stale.Add(member.Id);
        }

        return outcome;
    }

    private void DiscardUnsavedChanges()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList())
        {
            if (entry.State == EntityState.Added)
            {
                entry.State = EntityState.Detached;
            }
            else
            {
                entry.CurrentValues.SetValues(entry.OriginalValues);
                entry.State = EntityState.Unchanged;
            }
        }
    }

    /// <param name="lookFirst">Look for the external id before recording; without it, a purchase recorded before fails the save.</param>
    private async Task<TransactionOutcome> RecordOnceAsync(
        LoyaltyProgram program, TransactionRequest request, string hash, bool lookFirst, CancellationToken cancellationToken)
    {
        if (lookFirst && await RecordedBeforeAsync(program, request, hash, cancellationToken) is { } before)
        {
            return before;
        }

        var member = await FindMemberAsync(program.Id, request, cancellationToken);
        if (member is null)
        {
            return (lookFirst ? null : await RecordedBeforeAsync(program, request, hash, cancellationToken))
                ?? await HoldAsync(program, request, hash, cancellationToken);
        }

        var transaction = NewTransaction(program, member.Id, request, hash);
        var tierSettings = await tiers.SettingsAsync(program.Id, cancellationToken);
        var refusal = transaction.Type == TransactionType.Purchase
            ? await EarnAsync(program, member, tierSettings, transaction, cancellationToken)
            : await TakeBackAsync(program, member, transaction, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        db.Transactions.Add(transaction);
        await tiers.UpgradeAsync(program, tierSettings, member.Id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return new TransactionOutcome.Recorded(transaction, IsNew: true);
    }

    private async Task<TransactionOutcome?> RecordedBeforeAsync(LoyaltyProgram program, TransactionRequest request, string hash, CancellationToken cancellationToken)
    {
        var existing = await db.Transactions.AsNoTracking().SingleOrDefaultAsync(t => t.ProgramId == program.Id && t.ExternalId == request.ExternalId, cancellationToken);
        return existing is null ? null
            : existing.RequestHash == hash ? new TransactionOutcome.Recorded(existing, IsNew: false)
            : AnotherTransaction(request);
    }

    private PurchaseTransaction NewTransaction(LoyaltyProgram program, Guid memberId, TransactionRequest request, string hash)
    {
        var now = clock.GetUtcNow();
        return new PurchaseTransaction
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = program.Id,
            MemberId = memberId,
            ExternalId = request.ExternalId!,
            Type = request.ParsedType,
            OriginalExternalId = request.OriginalExternalId,
            OccurredAt = request.OccurredAt!.Value,
            Channel = request.Channel ?? "api",
            Store = request.Store,
            Currency = request.Currency!,
            TotalMinor = request.Total!.Value,
            PaymentMethod = request.PaymentMethod,
            PaymentFingerprintHash = TransactionRequest.FingerprintHash(program.Id, request.PaymentFingerprint),
            Attributes = request.Attributes is { Count: > 0 } attributes ? new Dictionary<string, string>(attributes) : null,
            Lines = [.. (request.Lines ?? []).Select((line, i) => new TransactionLine
            {
                LineNumber = i + 1,
                Sku = line.Sku!,
                Category = line.Category,
                Brand = line.Brand,
                Attributes = line.Attributes is { Count: > 0 } lineAttributes ? new Dictionary<string, string>(lineAttributes) : null,
                Quantity = line.Quantity!.Value,
                UnitPriceMinor = line.UnitPrice!.Value,
                AmountMinor = TransactionRequest.AmountOf(line),
            })],
            RequestHash = hash,
            RecordedAt = now,
        };
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
            // The payment fingerprint is only ever stored hashed, on a recorded purchase: a held one keeps none.
            Request = JsonSerializer.Serialize(request with { PaymentFingerprint = null }),
            RequestHash = hash,
            OccurredAt = request.OccurredAt!.Value,
            HeldAt = now,
            ClaimableUntil = claimableUntil,
        };
        db.HeldTransactions.Add(held);
        await db.SaveChangesAsync(cancellationToken);
        return new TransactionOutcome.Held(held);
    }

    /// <summary>Earns at the multiplier of the member's tier as committed: a purchase that upgrades the member earns at the tier before it.</summary>
    private async Task<TransactionOutcome?> EarnAsync(
        LoyaltyProgram program, Member member, TierSettings? tierSettings, PurchaseTransaction transaction, CancellationToken cancellationToken)
    {
        if (RefusedToEarn(member) is { } refused)
        {
            return refused;
        }

        var tierCode = member.TierState?.TierCode;
        await DecidePointsAsync(program, member, tierCode, tierSettings.EarningMultiplierOf(tierCode), transaction, cancellationToken);
        AnnouncePurchase(program, transaction);
        if (transaction.Points != 0 || transaction.QualifyingBonus != 0)
        {
            var (points, qualifying) = await ledger.EarningAccountsAsync(program, member.Id, cancellationToken);
            Credit(program, transaction, points, qualifying);
        }

        return null;
    }

    private static TransactionOutcome.Refused? RefusedToEarn(Member member) => member.Status == MemberStatus.Active
        ? null
        : new TransactionOutcome.Refused("The member cannot earn points.", $"The membership is {member.Status.ToString().ToLowerInvariant()}.");

    /// <summary>Sets the purchase's points and its lines' points as the earning engine decides, at the member's tier multiplier.</summary>
    private async Task DecidePointsAsync(
        LoyaltyProgram program, Member member, string? tierCode, decimal tierMultiplier, PurchaseTransaction transaction, CancellationToken cancellationToken)
    {
        var decision = await earning.DecideAsync(EarningRequestFor(program, member, tierCode, tierMultiplier, transaction), cancellationToken);
        for (var i = 0; i < transaction.Lines.Count; i++)
        {
            transaction.Lines[i].Points = decision.LinePoints[i];
        }

        transaction.Points = decision.Points;
        transaction.QualifyingBonus = decision.QualifyingBonus;
        transaction.EarnedBy = decision.Rules is { Count: > 0 } rules ? JsonSerializer.Serialize(rules, JsonSerializerOptions.Web) : null;
    }

    private void AnnouncePurchase(LoyaltyProgram program, PurchaseTransaction transaction)
    {
        var now = clock.GetUtcNow();
        db.Publish(new PurchaseRecorded(
            Guid.CreateVersion7(now), now, program.Id, transaction.MemberId, transaction.ExternalId, transaction.OccurredAt,
            transaction.Channel, transaction.Store, transaction.Currency, transaction.TotalMinor));
    }

    /// <summary>
    /// Credits a purchase's points to both accounts (each a lot of its own), the rules' qualifying bonus to the qualifying
    /// account with them, and publishes <see cref="PointsAccrued"/>.
    /// </summary>
    private void Credit(LoyaltyProgram program, PurchaseTransaction transaction, PointsAccount points, PointsAccount qualifying)
    {
        var reference = new LedgerReference("transaction", transaction.ExternalId);
        if (transaction.Points + transaction.QualifyingBonus != 0)
        {
            ledger.Accrue(program, qualifying, checked(transaction.Points + transaction.QualifyingBonus), reference, transaction.OccurredAt);
        }

        if (transaction.Points == 0)
        {
            return;
        }

        var entry = ledger.Accrue(program, points, transaction.Points, reference, transaction.OccurredAt);
        transaction.LedgerEntryId = entry.Id;

        var now = clock.GetUtcNow();
        db.Publish(new PointsAccrued(
            Guid.CreateVersion7(now), now, program.Id, transaction.MemberId, program.PointsCurrency, transaction.Points,
            reference.Type, reference.Id, entry.AvailableAt ?? transaction.OccurredAt, program.ExpiryFor(transaction.OccurredAt),
            transaction.EarnedBy is null ? null : JsonSerializer.Deserialize<List<AppliedRule>>(transaction.EarnedBy, JsonSerializerOptions.Web)));
    }

    internal static EarningRequest EarningRequestFor(LoyaltyProgram program, Member member, string? tierCode, decimal tierMultiplier, PurchaseTransaction transaction) => new(
        new EarningProgram(
            program.Id, program.Code, program.TimeZone, program.Currency, Currencies.MinorUnitsPerUnit(program.Currency),
            program.PointsPerCurrencyUnit, program.BaseRateScope.ToString()),
        new EarningMember(member.Id, member.EnrolledAt, member.EnrollmentChannel, member.BirthDate, tierCode, tierMultiplier, member.Attributes),
        new EarningPurchase(
            transaction.ExternalId, transaction.OccurredAt, transaction.Channel, transaction.Store, transaction.TotalMinor,
            [.. transaction.Lines.Select(l => new EarningLine(l.LineNumber, l.Sku, l.Category, l.Quantity, l.UnitPriceMinor, l.AmountMinor, l.Brand, l.Attributes))],
            transaction.PaymentMethod, transaction.Attributes));

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
        long reversedBefore;
        if (transaction.Lines.Count == 0)
        {
            var reversedSoFar = purchase.Lines.Count > 0 ? purchase.Lines.Sum(l => l.ReversedPoints) : await ReversedSoFarAsync(purchase, cancellationToken);
            reversedBefore = reversedSoFar;
            points = Math.Min(purchase.Points * Math.Min(transaction.TotalMinor, purchase.TotalMinor) / purchase.TotalMinor, purchase.Points - reversedSoFar);
            SpreadOverLines(purchase, points);
        }
        else
        {
            reversedBefore = purchase.Lines.Sum(l => l.ReversedPoints);
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
        await ledger.ReverseAsync(program, qualifying, checked(points + BonusShare(purchase, reversedBefore, reversedBefore + points)), qualifyingAccrual, reference, cancellationToken);

        if (entry is not null)
        {
            var now = clock.GetUtcNow();
            db.Publish(new PointsReversed(Guid.CreateVersion7(now), now, program.Id, member.Id, program.PointsCurrency, -entry.Points, reference.Type, reference.Id));
        }

        return null;
    }

    /// <summary>The part of the purchase's qualifying bonus that goes with its points reversed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    private static long BonusShare(PurchaseTransaction purchase, long before, long after) =>
        purchase.QualifyingBonus == 0 || purchase.Points <= 0
            ? 0
            : (long)((Int128)purchase.QualifyingBonus * after / purchase.Points - (Int128)purchase.QualifyingBonus * before / purchase.Points);

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
        return await db.MemberIdentifiers
            .Where(i => i.ProgramId == programId && i.Kind == kind && i.Value == value)
            .Join(db.Members.AsNoTracking(), i => i.MemberId, m => m.Id, (i, m) => m)
            .SingleOrDefaultAsync(cancellationToken);
    }

    private static TransactionOutcome.Conflict AnotherTransaction(TransactionRequest request) =>
        new($"Transaction '{request.ExternalId}' was recorded with other content; a correction is a return or a new transaction.");
}
