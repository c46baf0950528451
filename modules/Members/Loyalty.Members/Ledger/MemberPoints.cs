using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

/// <summary>Other modules' way to spend and give back points, through the one writer of points, <see cref="PointsLedger"/>.</summary>
internal sealed class MemberPoints(MembersDbContext db, PointsLedger ledger, TimeProvider clock) : IMemberPoints
{
    /// <summary>Kept apart from the POS's own <c>redemption</c> references, which are the integrator's ids.</summary>
    public const string ReferenceType = "reward-redemption";

    public async Task<MemberStanding?> FindStandingAsync(string programCode, Guid memberId, CancellationToken cancellationToken)
    {
        var (program, member) = await MemberEndpoints.LoadAsync(db, programCode, memberId, tracked: false, cancellationToken);
        if (program is null || member is null)
        {
            return null;
        }

        var available = await db.PointsAccounts.AsNoTracking()
            .Where(a => a.MemberId == memberId && a.Currency == program.PointsCurrency)
            .Select(a => (long?)a.Available)
            .SingleOrDefaultAsync(cancellationToken) ?? 0;
        return new MemberStanding(program.Id, member.Id, member.Status == MemberStatus.Active, member.TierState?.TierCode, available, program.TimeZone);
    }

    public Task<PointsDebitResult> DebitAsync(string programCode, Guid memberId, long points, string reference, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        return ConcurrencyRetry.RunAsync(db, async ct =>
        {
            var (program, member) = await MemberEndpoints.LoadAsync(db, programCode, memberId, tracked: false, ct);
            if (program is null || member is null)
            {
                return new PointsDebitResult(PointsDebitOutcome.UnknownMember, 0);
            }

            var account = await ledger.AccountAsync(program, memberId, program.PointsCurrency, ct);
            var earlier = await EntriesAsync(account, reference, ct);
            if (earlier.Any(e => e.Type == LedgerEntryType.Refund))
            {
                return new PointsDebitResult(PointsDebitOutcome.Voided, account.Available);
            }

            if (earlier.Any(e => e.Type == LedgerEntryType.Redemption))
            {
                return new PointsDebitResult(PointsDebitOutcome.AlreadyDebited, account.Available);
            }

            if (member.Status != MemberStatus.Active)
            {
                return new PointsDebitResult(PointsDebitOutcome.MemberNotActive, account.Available);
            }

            var entry = await ledger.RedeemAsync(account, points, new LedgerReference(ReferenceType, reference), ct);
            if (entry is null)
            {
                return new PointsDebitResult(PointsDebitOutcome.InsufficientPoints, account.Available);
            }

            LedgerEndpoints.PublishChange(db, clock, program, account, entry);
            await db.SaveChangesAsync(ct);
            return new PointsDebitResult(PointsDebitOutcome.Debited, account.Available);
        }, cancellationToken);
    }

    public async Task<long?> FindDebitAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken)
    {
        // A merge moves the member's entries to the survivor, so the debit is found under whoever holds them now.
        var holder = await HolderAsync(memberId, cancellationToken);
        var debits = await db.LedgerEntries.AsNoTracking()
            .Where(e => e.MemberId == holder && e.Type == LedgerEntryType.Redemption && e.ReferenceType == ReferenceType && e.ReferenceId == reference)
            .Select(e => -e.Points)
            .ToListAsync(cancellationToken);
        return debits.Count == 0 ? null : debits.Sum();
    }

    public Task<PointsRefundResult> RefundAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken) =>
        ConcurrencyRetry.RunAsync(db, async ct =>
        {
            var (program, member) = await MemberEndpoints.LoadAsync(db, programCode, memberId, tracked: false, ct);
            if (program is null || member is null)
            {
                return new PointsRefundResult(PointsRefundOutcome.UnknownMember, 0);
            }

            // A member merged since the debit has no points of their own any more: the points go back to the survivor
            // who holds their entries and lots, not to the emptied account of the merged member, where no one sees them.
            var holder = await HolderAsync(member.Id, ct);
            var account = await ledger.AccountAsync(program, holder, program.PointsCurrency, ct);
            var debited = await HeldEntriesAsync(holder, program.PointsCurrency, reference, ct);
            if (debited.Any(e => e.Type == LedgerEntryType.Refund))
            {
                return new PointsRefundResult(PointsRefundOutcome.AlreadyRefunded, debited.Sum(e => e.Type == LedgerEntryType.Refund ? e.Points : 0));
            }

            var points = -debited.Where(e => e.Type == LedgerEntryType.Redemption).Sum(e => e.Points);
            var entry = ledger.Refund(program, account, points, new LedgerReference(ReferenceType, reference));
            if (points > 0)
            {
                var now = clock.GetUtcNow();
                db.Publish(new PointsRefunded(Guid.CreateVersion7(now), now, program.Id, holder, account.Currency, points, ReferenceType, reference, account.Available));
            }

            await db.SaveChangesAsync(ct);
            return new PointsRefundResult(points > 0 ? PointsRefundOutcome.Refunded : PointsRefundOutcome.Voided, entry.Points);
        }, cancellationToken);

    /// <summary>The member whose points <paramref name="memberId"/>'s are now: the member, or the survivor its merges lead to.</summary>
    private async Task<Guid> HolderAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var holder = memberId;
        for (var hops = 0; hops < 100; hops++)
        {
            var survivor = await db.Members.AsNoTracking().Where(m => m.Id == holder).Select(m => m.MergedIntoId).SingleOrDefaultAsync(cancellationToken);
            if (survivor is null)
            {
                return holder;
            }

            holder = survivor.Value;
        }

        throw new InvalidOperationException($"Member {memberId} has a merge chain of more than 100 members.");
    }

    /// <summary>
    /// The entries under one redemption reference among the holder's, in any of its accounts of <paramref name="currency"/>
    /// (a merged member's account included, whose entries the merge gave to the holder): the debit and the refund.
    /// </summary>
    private Task<List<(LedgerEntryType Type, long Points)>> HeldEntriesAsync(Guid holder, string currency, string reference, CancellationToken cancellationToken) =>
        (from e in db.LedgerEntries
         join a in db.PointsAccounts on e.AccountId equals a.Id
         where e.MemberId == holder && a.Currency == currency && e.ReferenceType == ReferenceType && e.ReferenceId == reference
         select new ValueTuple<LedgerEntryType, long>(e.Type, e.Points))
            .ToListAsync(cancellationToken);

    /// <summary>The account's entries under one redemption reference: its debit and its refund, if they were made.</summary>
    private Task<List<(LedgerEntryType Type, long Points)>> EntriesAsync(PointsAccount account, string reference, CancellationToken cancellationToken) =>
        db.LedgerEntries
            .Where(e => e.AccountId == account.Id && e.ReferenceType == ReferenceType && e.ReferenceId == reference)
            .Select(e => new ValueTuple<LedgerEntryType, long>(e.Type, e.Points))
            .ToListAsync(cancellationToken);
}
