using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Members.Ledger;

/// <summary>
/// Makes points spendable once their return window has passed. Each lot is claimed with a conditional update in
/// the same transaction as the balance change, so a second run, or another node, finds nothing left to release.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ReleasePendingPointsJob(MembersDbContext db, TimeProvider clock, ILogger<ReleasePendingPointsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(ReleasePendingPointsJob), MembersDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.PointsLots.AsNoTracking().Where(l => !l.Released && l.AvailableAt <= now).Select(l => l.Id).ToListAsync(cancellationToken);
        var released = 0;
        foreach (var lotId in due)
        {
            released += await PointsLotWork.ClaimAndApplyAsync(db, lotId,
                lots => lots.Where(l => l.Id == lotId && !l.Released).ExecuteUpdateAsync(set => set.SetProperty(l => l.Released, true), cancellationToken),
                (lot, account) =>
                {
                    account.Pending -= lot.Remaining;
                    account.Available += lot.Remaining;
                },
                cancellationToken);
        }

        logger.LogInformation("Released {Lots} pending point lots", released);
    }
}

/// <summary>
/// Expires what is left of lots whose time has come: one expiry entry per lot, exactly once, however often the job
/// runs and on however many nodes.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ExpireDuePointsJob(MembersDbContext db, TimeProvider clock, ILogger<ExpireDuePointsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(ExpireDuePointsJob), MembersDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.PointsLots.AsNoTracking()
            .Where(l => l.Released && l.ExpiredAt == null && l.ExpiresAt <= now)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken);
        var expired = 0;
        foreach (var lotId in due)
        {
            expired += await PointsLotWork.ClaimAndApplyAsync(db, lotId,
                lots => lots.Where(l => l.Id == lotId && l.ExpiredAt == null).ExecuteUpdateAsync(set => set.SetProperty(l => l.ExpiredAt, now), cancellationToken),
                (lot, account) =>
                {
                    if (lot.Remaining == 0)
                    {
                        return;
                    }

                    db.LedgerEntries.Add(new LedgerEntry
                    {
                        Id = Guid.CreateVersion7(now),
                        AccountId = account.Id,
                        MemberId = account.MemberId,
                        Type = LedgerEntryType.Expiry,
                        Points = -lot.Remaining,
                        ReferenceType = "lot",
                        ReferenceId = lot.Id.ToString(),
                        Actor = "system",
                        CreatedAt = now,
                    });
                    db.Publish(new PointsExpired(Guid.CreateVersion7(now), now, account.ProgramId, account.MemberId, account.Currency, lot.Remaining, lot.Id));
                    account.Available -= lot.Remaining;
                    lot.Remaining = 0;
                },
                cancellationToken);
        }

        logger.LogInformation("Expired {Lots} point lots", expired);
    }
}

internal static class PointsLotWork
{
    /// <summary>
    /// In one transaction: claims a lot with <paramref name="claim"/> (a conditional update that touches it only if
    /// no one did before), then applies the change to the lot and its account. Returns 1 when this run did the work.
    /// </summary>
    public static async Task<int> ClaimAndApplyAsync(
        MembersDbContext db, Guid lotId, Func<IQueryable<PointsLot>, Task<int>> claim, Action<PointsLot, PointsAccount> apply, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await claim(db.PointsLots) == 0)
        {
            return 0;
        }

        var lot = await db.PointsLots.SingleAsync(l => l.Id == lotId, cancellationToken);
        var account = await db.PointsAccounts.SingleAsync(a => a.Id == lot.AccountId, cancellationToken);
        apply(lot, account);
        account.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The member's account changed meanwhile; the rollback frees the lot for the next run.
            return 0;
        }

        await transaction.CommitAsync(cancellationToken);
        return 1;
    }
}
