using System.Collections.Concurrent;
using Loyalty.Members.Contracts;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Transactions;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Security;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Tiers;

/// <summary>
/// Decides members' tiers from their qualifying value, which is always recomputed from the ledger (qualifying points)
/// or the transactions (spend) inside the window, so it decays as the window moves on.
/// </summary>
internal sealed class TierEvaluation(MembersDbContext db, TierSettingsCache cache, CurrentActor actor, TimeProvider clock)
{
    /// <summary>The program's ladder, or null without one; read-only (it may be shared by concurrent requests).</summary>
    public async Task<TierSettings?> SettingsAsync(Guid programId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.Read.TryGetValue(programId, out var read) && now - read.ReadAt < TierSettingsCache.Recheck && now >= read.ReadAt)
        {
            return read.Settings;
        }

        var settings = await db.TierSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ProgramId == programId, cancellationToken);
        cache.Read[programId] = (settings, now);
        return settings;
    }

    /// <summary>
    /// Upgrades the member if their qualifying value now reaches a higher tier. Call it after the change that raised
    /// the value was added to the context and before <c>SaveChanges</c>: it counts what is about to be saved, and its
    /// changes commit in the same transaction.
    /// </summary>
    public async Task UpgradeAsync(LoyaltyProgram program, Guid memberId, CancellationToken cancellationToken) =>
        await UpgradeAsync(program, await SettingsAsync(program.Id, cancellationToken), memberId, cancellationToken);

    /// <inheritdoc cref="UpgradeAsync(LoyaltyProgram, Guid, CancellationToken)"/>
    public async Task UpgradeAsync(LoyaltyProgram program, TierSettings? settings, Guid memberId, CancellationToken cancellationToken)
    {
        if (settings is null)
        {
            return;
        }

        var value = await QualifyingValueAsync(program, settings, memberId, CurrentWindowStart(program, settings), until: null, cancellationToken);
        var state = await db.MemberTiers.SingleOrDefaultAsync(s => s.MemberId == memberId, cancellationToken);
        Upgrade(program, settings, state, memberId, value);
    }

    /// <summary>
    /// Moves the member up to the highest tier <paramref name="value"/> reaches, if that is above their tier
    /// <paramref name="state"/> (tracked). Returns the member's tier state after it.
    /// </summary>
    public MemberTier? Upgrade(LoyaltyProgram program, TierSettings settings, MemberTier? state, Guid memberId, long value)
    {
        var ladder = settings.Ladder;
        var reached = TierRules.Reached(ladder, value);
        return reached > IndexOf(ladder, state)
            ? Move(program, settings, state, memberId, ladder[reached], state is null ? TierChangeReason.Initial : TierChangeReason.Upgrade, value, note: null)
            : state;
    }

    /// <summary>Where the window that an upgrade counts ends now begins.</summary>
    public DateTimeOffset CurrentWindowStart(LoyaltyProgram program, TierSettings settings) =>
        TierRules.WindowStart(settings.Window, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone), clock.GetUtcNow());

    /// <summary>
    /// The saved qualifying value of each of <paramref name="memberIds"/> from <paramref name="from"/> up to now, in one
    /// query (members without any are left out): what <see cref="QualifyingValueAsync"/> counts, for a context with no unsaved changes.
    /// </summary>
    public async Task<Dictionary<Guid, long>> SavedQualifyingValuesAsync(
        LoyaltyProgram program, TierSettings settings, IReadOnlyCollection<Guid> memberIds, DateTimeOffset from, CancellationToken cancellationToken)
    {
        if (settings.Basis == TierBasis.Spend)
        {
            return await db.Transactions
                .Where(t => memberIds.Contains(t.MemberId) && t.ProgramId == program.Id && t.OccurredAt >= from)
                .GroupBy(t => t.MemberId)
                .Select(g => new { MemberId = g.Key, Value = g.Sum(t => t.Type == TransactionType.Purchase ? t.TotalMinor : -t.TotalMinor) })
                .ToDictionaryAsync(x => x.MemberId, x => x.Value, cancellationToken);
        }

        return await db.LedgerEntries
            .Join(db.PointsAccounts, e => e.AccountId, a => a.Id, (e, a) => new { Entry = e, Account = a })
            .Where(x => memberIds.Contains(x.Account.MemberId) && x.Account.Currency == program.QualifyingCurrency && x.Entry.CreatedAt >= from
                && x.Entry.Type != LedgerEntryType.Expiry && x.Entry.Type != LedgerEntryType.Redemption)
            .GroupBy(x => x.Account.MemberId)
            .Select(g => new { MemberId = g.Key, Value = g.Sum(x => x.Entry.Points) })
            .ToDictionaryAsync(x => x.MemberId, x => x.Value, cancellationToken);
    }

    /// <summary>
    /// Evaluates one member whose evaluation is due, every due period in turn, and saves. Returns false when there
    /// was nothing due (already evaluated, by this or another node) or a concurrent change won; the next run retries then.
    /// </summary>
    public async Task<bool> EvaluateAsync(LoyaltyProgram program, TierSettings settings, Guid memberId, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var state = await db.MemberTiers.SingleOrDefaultAsync(s => s.MemberId == memberId, cancellationToken);
        if (state is null || state.NextEvaluationAt > now)
        {
            return false;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var ladder = settings.Ladder;
        while (state is not null && state.NextEvaluationAt <= now)
        {
            var evaluatedAt = state.NextEvaluationAt;
            var value = await QualifyingValueAsync(program, settings, memberId, TierRules.WindowStart(settings.Window, zone, evaluatedAt), evaluatedAt, cancellationToken);
            var current = IndexOf(ladder, state);
            var target = TierRules.Evaluate(ladder, current, value, settings.MaxLevelsDown);
            state.LastEvaluatedAt = now;
            state.NextEvaluationAt = TierRules.NextEvaluation(settings.Window, zone, evaluatedAt);
            state.Version++;
            if (target != current)
            {
                state = Move(program, settings, state, memberId, target < 0 ? null : ladder[target],
                    target < current ? TierChangeReason.Downgrade : TierChangeReason.Upgrade, value, note: null);
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>
    /// The member's qualifying value from <paramref name="from"/> (inclusive) until <paramref name="until"/>
    /// (exclusive; null: up to now), including changes added to the context but not saved yet.
    /// Qualifying points count from when they were credited; spend from when the purchase or return took place.
    /// Expiry of qualifying points does not lower the value: the window does that.
    /// </summary>
    public async Task<long> QualifyingValueAsync(
        LoyaltyProgram program, TierSettings settings, Guid memberId, DateTimeOffset from, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        bool InWindow(DateTimeOffset at) => at >= from && (until == null || at < until);
        if (settings.Basis == TierBasis.Spend)
        {
            var transactions = db.Transactions.Where(t => t.MemberId == memberId && t.ProgramId == program.Id && t.OccurredAt >= from && (until == null || t.OccurredAt < until));
            var purchases = await transactions.Where(t => t.Type == TransactionType.Purchase).SumAsync(t => t.TotalMinor, cancellationToken);
            var returns = await transactions.Where(t => t.Type == TransactionType.Return).SumAsync(t => t.TotalMinor, cancellationToken);
            var unsaved = db.ChangeTracker.Entries<PurchaseTransaction>()
                .Where(e => e.State == EntityState.Added && e.Entity.MemberId == memberId && InWindow(e.Entity.OccurredAt))
                .Sum(e => e.Entity.Type == TransactionType.Purchase ? e.Entity.TotalMinor : -e.Entity.TotalMinor);
            return purchases - returns + unsaved;
        }

        var account = await db.PointsAccounts.AsNoTracking()
            .Where(a => a.MemberId == memberId && a.Currency == program.QualifyingCurrency)
            .Select(a => (Guid?)a.Id)
            .SingleOrDefaultAsync(cancellationToken);
        if (account is null)
        {
            return 0;
        }

        var saved = await db.LedgerEntries
            .Where(e => e.AccountId == account && e.CreatedAt >= from && (until == null || e.CreatedAt < until)
                && e.Type != LedgerEntryType.Expiry && e.Type != LedgerEntryType.Redemption)
            .SumAsync(e => e.Points, cancellationToken);
        var pending = db.ChangeTracker.Entries<LedgerEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.AccountId == account && InWindow(e.Entity.CreatedAt)
                && e.Entity.Type is not LedgerEntryType.Expiry and not LedgerEntryType.Redemption)
            .Sum(e => e.Entity.Points);
        return saved + pending;
    }

    /// <summary>
    /// Moves a member to <paramref name="to"/> (null: out of the ladder) with its history entry and
    /// <see cref="TierChanged"/> event, for the caller's <c>SaveChanges</c>. Returns the member's tier state after the move.
    /// </summary>
    public MemberTier? Move(LoyaltyProgram program, TierSettings settings, MemberTier? state, Guid memberId, TierDefinition? to, TierChangeReason reason, long value, string? note)
    {
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var from = state?.TierCode;
        if (to is null)
        {
            if (state is not null)
            {
                db.MemberTiers.Remove(state);
            }

            state = null;
        }
        else if (state is null)
        {
            state = new MemberTier
            {
                MemberId = memberId,
                ProgramId = program.Id,
                TierCode = to.Code,
                Since = now,
                NextEvaluationAt = TierRules.NextEvaluation(settings.Window, zone, now),
                Version = 1,
            };
            db.MemberTiers.Add(state);
        }
        else
        {
            state.TierCode = to.Code;
            state.Since = now;
            // A tier reached (or given) is kept for a whole period; a downgrade keeps the evaluation's own schedule.
            if (reason != TierChangeReason.Downgrade)
            {
                state.NextEvaluationAt = TierRules.NextEvaluation(settings.Window, zone, now);
            }

            state.Version++;
        }

        db.TierHistory.Add(new TierChange
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = program.Id,
            MemberId = memberId,
            FromTier = from,
            ToTier = to?.Code,
            Reason = reason,
            At = now,
            QualifyingValue = value,
            Actor = actor.Name,
            Note = note,
        });
        db.Publish(new TierChanged(Guid.CreateVersion7(now), now, program.Id, memberId, from, to?.Code, reason.ToString(), value));
        return state;
    }

    private static int IndexOf(IReadOnlyList<TierDefinition> ladder, MemberTier? state)
    {
        if (state is null)
        {
            return -1;
        }

        for (var i = 0; i < ladder.Count; i++)
        {
            if (ladder[i].Code == state.TierCode)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// Each program's tier ladder as last read on this node (a singleton). Every purchase needs it and it rarely changes,
/// so it is read at most once per <see cref="Recheck"/>: a ladder defined on another node applies here from at most
/// that long after, on the node that defined it at once.
/// </summary>
internal sealed class TierSettingsCache
{
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    public ConcurrentDictionary<Guid, (TierSettings? Settings, DateTimeOffset ReadAt)> Read { get; } = new();

    public void Forget(Guid programId) => Read.TryRemove(programId, out _);
}
