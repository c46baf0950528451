using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

/// <summary>What a business reference points at, for the ledger's entries: <c>("transaction", "T-1001")</c>.</summary>
internal readonly record struct LedgerReference(string Type, string Id);

/// <summary>
/// The only writer of points. Every operation adds entries and moves lots and the account's balances together;
/// the caller commits them with its own change in one <c>SaveChanges</c>. Concurrent writers to one account conflict
/// on the account's version, and <see cref="Loyalty.Shared.Persistence.ConcurrencyRetry"/> runs the losing operation again on fresh data.
/// </summary>
internal sealed class PointsLedger(MembersDbContext db, CurrentActor actor, TimeProvider clock)
{
    public async Task<PointsAccount> AccountAsync(LoyaltyProgram program, Guid memberId, string currency, CancellationToken cancellationToken) =>
        await db.PointsAccounts.SingleOrDefaultAsync(a => a.MemberId == memberId && a.Currency == currency, cancellationToken)
            ?? LocalOrNewAccount(program, memberId, currency);

    /// <summary>The member's points and qualifying accounts, read together (one query), opened if the member has none yet.</summary>
    public async Task<(PointsAccount Points, PointsAccount Qualifying)> EarningAccountsAsync(LoyaltyProgram program, Guid memberId, CancellationToken cancellationToken)
    {
        var accounts = await db.PointsAccounts
            .Where(a => a.MemberId == memberId && (a.Currency == program.PointsCurrency || a.Currency == program.QualifyingCurrency))
            .ToListAsync(cancellationToken);
        return (
            accounts.SingleOrDefault(a => a.Currency == program.PointsCurrency) ?? LocalOrNewAccount(program, memberId, program.PointsCurrency),
            accounts.SingleOrDefault(a => a.Currency == program.QualifyingCurrency) ?? LocalOrNewAccount(program, memberId, program.QualifyingCurrency));
    }

    /// <summary>An account added to the context but not saved yet, or else a new one.</summary>
    private PointsAccount LocalOrNewAccount(LoyaltyProgram program, Guid memberId, string currency) =>
        db.PointsAccounts.Local.SingleOrDefault(a => a.MemberId == memberId && a.Currency == currency) ?? OpenAccount(program, memberId, currency);

    /// <summary>A new, empty account, added to the context; for a caller that knows the member has none in this currency.</summary>
    public PointsAccount OpenAccount(LoyaltyProgram program, Guid memberId, string currency)
    {
        var account = new PointsAccount { Id = Guid.CreateVersion7(clock.GetUtcNow()), ProgramId = program.Id, MemberId = memberId, Currency = currency };
        db.PointsAccounts.Add(account);
        return account;
    }

    /// <summary>
    /// Credits earned points as a new lot: pending through the program's return window (unless not <paramref name="held"/>:
    /// what cannot be returned, such as an activity's points), then spendable until it expires.
    /// </summary>
    public LedgerEntry Accrue(LoyaltyProgram program, PointsAccount account, long points, LedgerReference reference, DateTimeOffset earnedAt, bool held = true)
    {
        var now = clock.GetUtcNow();
        var availableAt = held && program.PendingDays > 0 ? earnedAt.AddDays(program.PendingDays) : earnedAt;
        var released = availableAt <= now;
        var entry = AddEntry(account, LedgerEntryType.Accrual, points, reference, reason: null, released ? null : availableAt);
        AddLot(program, entry, earnedAt, availableAt, released);
        if (released)
        {
            account.Available += points;
        }
        else
        {
            account.Pending += points;
        }

        account.Version++;
        return entry;
    }

    /// <summary>Spends points from the lots that expire first. Refuses (null) when the spendable balance is short.</summary>
    public async Task<LedgerEntry?> RedeemAsync(PointsAccount account, long points, LedgerReference reference, CancellationToken cancellationToken)
    {
        if (account.Available < points)
        {
            return null;
        }

        await ConsumeLotsAsync(account, points, cancellationToken);
        account.Available -= points;
        account.Version++;
        return AddEntry(account, LedgerEntryType.Redemption, -points, reference, reason: null, availableAt: null);
    }

    /// <summary>
    /// Gives back the points a redemption spent, as a new spendable lot earned now (which lots the debit drew from is
    /// not kept), or records with zero points that the reference is void.
    /// </summary>
    public LedgerEntry Refund(LoyaltyProgram program, PointsAccount account, long points, LedgerReference reference)
    {
        var entry = AddEntry(account, LedgerEntryType.Refund, points, reference, reason: null, availableAt: null);
        if (points > 0)
        {
            var now = clock.GetUtcNow();
            AddLot(program, entry, earnedAt: now, availableAt: now, released: true);
            account.Available += points;
        }

        account.Version++;
        return entry;
    }

    /// <summary>A correction by staff, with its reason. A debit may not take the balance below zero (null then).</summary>
    public async Task<LedgerEntry?> AdjustAsync(LoyaltyProgram program, PointsAccount account, long points, string reason, CancellationToken cancellationToken)
    {
        var reference = new LedgerReference("admin", actor.Name);
        if (points > 0)
        {
            var now = clock.GetUtcNow();
            var entry = AddEntry(account, LedgerEntryType.Adjustment, points, reference, reason, availableAt: null);
            AddLot(program, entry, earnedAt: now, availableAt: now, released: true);
            account.Available += points;
            account.Version++;
            return entry;
        }

        if (account.Available < -points)
        {
            return null;
        }

        await ConsumeLotsAsync(account, -points, cancellationToken);
        account.Available += points;
        account.Version++;
        return AddEntry(account, LedgerEntryType.Adjustment, points, reference, reason, availableAt: null);
    }

    /// <summary>
    /// Takes back points an accrual gave (a return): first from what is left of that accrual's own lot, pending or not,
    /// then from the spendable balance; beyond that the program's return policy decides between a debt and a cap.
    /// Returns the entry, or null when nothing could be taken back.
    /// </summary>
    public async Task<LedgerEntry?> ReverseAsync(LoyaltyProgram program, PointsAccount account, long points, Guid accrualEntryId, LedgerReference reference, CancellationToken cancellationToken)
    {
        var lot = await db.PointsLots.SingleOrDefaultAsync(l => l.AccrualEntryId == accrualEntryId, cancellationToken);
        var fromLot = Math.Min(points, lot?.Remaining ?? 0);
        if (lot is not null && fromLot > 0)
        {
            lot.Remaining -= fromLot;
            if (lot.Released)
            {
                account.Available -= fromLot;
            }
            else
            {
                account.Pending -= fromLot;
            }
        }

        var rest = points - fromLot;
        var fromBalance = program.ReturnPolicy == ReturnPolicy.AllowDebt ? rest : Math.Clamp(account.Available, 0, rest);
        if (fromBalance > 0)
        {
            await ConsumeLotsAsync(account, Math.Min(fromBalance, Math.Max(account.Available, 0)), cancellationToken);
            account.Available -= fromBalance;
        }

        var reversed = fromLot + fromBalance;
        if (reversed == 0)
        {
            return null;
        }

        account.Version++;
        return AddEntry(account, LedgerEntryType.Reversal, -reversed, reference, reason: null, availableAt: null);
    }

    /// <summary>
    /// Moves everything <paramref name="from"/> holds to <paramref name="to"/> (a merge): a <c>Transfer</c> debit and
    /// credit of the whole balance, and the lots themselves, so each point keeps its earning date, expiry and pending
    /// state, is spent in the same oldest-first order and expires once. Returns the credit, or null when nothing moved.
    /// </summary>
    public async Task<LedgerEntry?> MoveAllAsync(PointsAccount from, PointsAccount to, LedgerReference reference, CancellationToken cancellationToken)
    {
        foreach (var lot in await db.PointsLots.Where(l => l.AccountId == from.Id).ToListAsync(cancellationToken))
        {
            lot.AccountId = to.Id;
        }

        var total = from.Available + from.Pending;
        (to.Available, to.Pending) = (to.Available + from.Available, to.Pending + from.Pending);
        (from.Available, from.Pending) = (0, 0);
        from.Version++;
        to.Version++;
        if (total == 0)
        {
            return null;
        }

        AddEntry(from, LedgerEntryType.Transfer, -total, reference, reason: null, availableAt: null);
        return AddEntry(to, LedgerEntryType.Transfer, total, reference, reason: null, availableAt: null);
    }

    private async Task ConsumeLotsAsync(PointsAccount account, long points, CancellationToken cancellationToken)
    {
        var lots = await db.PointsLots
            .Where(l => l.AccountId == account.Id && l.Released && l.Remaining > 0 && l.ExpiredAt == null)
            .OrderBy(l => l.ExpiresAt == null)
            .ThenBy(l => l.ExpiresAt)
            .ThenBy(l => l.EarnedAt)
            .ToListAsync(cancellationToken);
        var left = points;
        foreach (var lot in lots)
        {
            if (left == 0)
            {
                break;
            }

            var take = Math.Min(left, lot.Remaining);
            lot.Remaining -= take;
            left -= take;
        }
    }

    /// <summary>The lot that holds a credit's points until they are spent or expire.</summary>
    private void AddLot(LoyaltyProgram program, LedgerEntry credit, DateTimeOffset earnedAt, DateTimeOffset availableAt, bool released) =>
        db.PointsLots.Add(new PointsLot
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            AccountId = credit.AccountId,
            AccrualEntryId = credit.Id,
            Points = credit.Points,
            Remaining = credit.Points,
            EarnedAt = earnedAt,
            AvailableAt = availableAt,
            Released = released,
            ExpiresAt = program.ExpiryFor(earnedAt),
        });

    private LedgerEntry AddEntry(PointsAccount account, LedgerEntryType type, long points, LedgerReference reference, string? reason, DateTimeOffset? availableAt)
    {
        var now = clock.GetUtcNow();
        var entry = new LedgerEntry
        {
            Id = Guid.CreateVersion7(now),
            AccountId = account.Id,
            MemberId = account.MemberId,
            Type = type,
            Points = points,
            ReferenceType = reference.Type,
            ReferenceId = reference.Id,
            Reason = reason,
            Actor = actor.Name,
            CreatedAt = now,
            AvailableAt = availableAt,
        };
        db.LedgerEntries.Add(entry);
        return entry;
    }
}
