using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.PartnerCodes;
using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Redemption;

/// <summary>What a redemption request came to: the redemption (with the code of a voucher it just issued), or a refusal.</summary>
internal sealed record RedemptionOutcome(RewardRedemption? Redemption, Voucher? Voucher, string? IssuedCode, RewardLock? Refusal, bool Replayed)
{
    public static RedemptionOutcome Refused(string problem, string reason) => new(null, null, null, new RewardLock(problem, reason), false);
}

/// <summary>
/// Redeems a reward across two modules, each with its own transaction, as a reservation with compensation:
/// <list type="number">
/// <item>Rewards commits the reservation: the stock item and the member's limit counts are taken by conditional updates, and the redemption is <c>Pending</c>.</item>
/// <item>Members debits the points, idempotent on the redemption id.</item>
/// <item>Rewards completes the redemption and issues its voucher; or, when the debit was refused, releases the reservation (<c>Failed</c>).</item>
/// </list>
/// A crash between the steps leaves a <c>Pending</c> redemption, which <see cref="RecoverAsync"/> completes if the debit
/// happened and otherwise voids the debit's reference in Members (so a late debit cannot follow) and releases it.
/// Every status change is guarded by the redemption's version, so the request, a cancellation and the recovery job
/// never both move it.
/// </summary>
internal sealed class RewardRedemptions(
    RewardsDbContext db, IMemberPoints points, ISegmentMembership segmentMembership, PartnerCodePool pool, AuditTrail audit, RedemptionMetrics metrics,
    TimeProvider clock)
{
    private const int ReservationAttempts = 5;

    public async Task<RedemptionOutcome> RedeemAsync(string program, Guid memberId, Guid rewardId, string? externalId, CancellationToken cancellationToken)
    {
        var outcome = await ReserveAndDebitAsync(program, memberId, rewardId, externalId, cancellationToken);
        metrics.Decided(outcome);
        return outcome;
    }

    private async Task<RedemptionOutcome> ReserveAndDebitAsync(string program, Guid memberId, Guid rewardId, string? externalId, CancellationToken cancellationToken)
    {
        if (externalId is not null && await FindAsync(program, externalId, cancellationToken) is { } earlier)
        {
            return Replay(earlier, memberId, rewardId);
        }

        var reward = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return RedemptionOutcome.Refused(RewardProblems.UnknownReward, $"There is no reward {rewardId} in program '{program}'.");
        }

        var standing = await points.FindStandingAsync(program, memberId, cancellationToken);
        if (standing is null)
        {
            return RedemptionOutcome.Refused(RewardProblems.UnknownMember, $"There is no member {memberId} in program '{program}'.");
        }

        var now = clock.GetUtcNow();
        var usage = await db.RewardUsages.AsNoTracking().Where(u => u.RewardId == rewardId && u.MemberId == memberId)
            .ToDictionaryAsync(u => u.Period, u => u.Count, cancellationToken);
        var segments = reward.AudienceSegments.Count > 0
            ? await segmentMembership.SegmentsOfAsync(program, memberId, cancellationToken)
            : new HashSet<string>();
        if (RewardEligibility.Lock(reward, standing, now, usage, segments) is { } locked)
        {
            return new RedemptionOutcome(null, null, null, locked, false);
        }

        var reservation = await ReserveAsync(reward, standing, externalId, now, cancellationToken);
        if (reservation.Redemption is not { Status: RedemptionStatus.Pending } pending || reservation.Replayed)
        {
            return reservation;
        }

        var debit = await points.DebitAsync(program, memberId, pending.Points, pending.Id.ToString(), cancellationToken);
        return debit.Outcome switch
        {
            PointsDebitOutcome.Debited or PointsDebitOutcome.AlreadyDebited => await CompleteAsync(pending, reward, cancellationToken),
            PointsDebitOutcome.InsufficientPoints => await ReleaseAsync(pending, RewardProblems.InsufficientPoints, cancellationToken),
            PointsDebitOutcome.MemberNotActive => await ReleaseAsync(pending, RewardProblems.MemberNotActive, cancellationToken),
            PointsDebitOutcome.UnknownMember => await ReleaseAsync(pending, RewardProblems.UnknownMember, cancellationToken),
            // The recovery job gave up on this reservation first and released it.
            _ => await CurrentAsync(pending.Id, cancellationToken),
        };
    }

    /// <summary>Finishes what a crash interrupted: a stale <c>Pending</c> redemption, or a <c>Cancelling</c> one still owed its refund.</summary>
    public async Task RecoverAsync(RewardRedemption redemption, CancellationToken cancellationToken)
    {
        if (redemption.Status == RedemptionStatus.Cancelling)
        {
            await FinishCancellingAsync(redemption, cancellationToken);
            return;
        }

        var reference = redemption.Id.ToString();
        if (await points.FindDebitAsync(redemption.ProgramCode, redemption.MemberId, reference, cancellationToken) is not null)
        {
            var reward = await db.Rewards.AsNoTracking().SingleAsync(r => r.Id == redemption.RewardId, cancellationToken);
            await CompleteAsync(redemption, reward, cancellationToken);
            return;
        }

        // Voids the reference, or gives back a debit that landed since the look-up: either way no points stay spent.
        await points.RefundAsync(redemption.ProgramCode, redemption.MemberId, reference, cancellationToken);
        await ReleaseAsync(redemption, RewardProblems.RedemptionInterrupted, cancellationToken);
    }

    /// <summary>
    /// Cancels a completed redemption before its voucher is used or its item shipped: voids the voucher and restores
    /// the stock and limits in one transaction (<c>Cancelling</c>), then refunds the points (<c>Cancelled</c>).
    /// </summary>
    public async Task<RedemptionOutcome> CancelAsync(string program, Guid redemptionId, CancellationToken cancellationToken)
    {
        var redemption = await db.Redemptions.SingleOrDefaultAsync(r => r.Id == redemptionId && r.ProgramCode == program, cancellationToken);
        if (redemption is null)
        {
            return RedemptionOutcome.Refused(RewardProblems.UnknownRedemption, $"There is no redemption {redemptionId} in program '{program}'.");
        }

        if (redemption.Status == RedemptionStatus.Completed)
        {
            if (redemption.Fulfilment is FulfilmentStatus.Shipped or FulfilmentStatus.Delivered)
            {
                return RedemptionOutcome.Refused(RewardProblems.NotCancellable, "The item has been shipped.");
            }

            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                if (redemption.VoucherId is { } voucherId
                    && await db.Vouchers.Where(v => v.Id == voucherId && v.Uses == 0).ExecuteUpdateAsync(s => s.SetProperty(v => v.Status, VoucherStatus.Voided), cancellationToken) == 0)
                {
                    return RedemptionOutcome.Refused(RewardProblems.NotCancellable, "The voucher has been used.");
                }

                await ReturnReservationAsync(redemption, cancellationToken);
                var now = clock.GetUtcNow();
                redemption.Status = RedemptionStatus.Cancelling;
                redemption.CancelledAt = now;
                redemption.Version++;
                audit.Record(db, "rewards.redemption.cancelled", "redemption", redemption.Id.ToString(), new { redemption.RewardId, redemption.Points });
                db.Publish(new RedemptionCancelled(Guid.CreateVersion7(now), now, redemption.ProgramCode, redemption.MemberId, redemption.RewardId, redemption.Id));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return await CancelAsync(program, redemptionId, cancellationToken);
            }
        }

        return redemption.Status switch
        {
            RedemptionStatus.Cancelling => await FinishCancellingAsync(redemption, cancellationToken),
            RedemptionStatus.Cancelled => new RedemptionOutcome(redemption, null, null, null, true),
            _ => RedemptionOutcome.Refused(RewardProblems.NotCancellable, $"The redemption is {redemption.Status.ToString().ToLowerInvariant()}."),
        };
    }

    private async Task<RedemptionOutcome> FinishCancellingAsync(RewardRedemption redemption, CancellationToken cancellationToken)
    {
        await points.RefundAsync(redemption.ProgramCode, redemption.MemberId, redemption.Id.ToString(), cancellationToken);
        redemption.Status = RedemptionStatus.Cancelled;
        redemption.Version++;
        return await SaveOrReloadAsync(redemption, voucher: null, issuedCode: null, cancellationToken);
    }

    private async Task<RedemptionOutcome> ReserveAsync(Reward reward, MemberStanding standing, string? externalId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // The write comes first, so that SQLite takes its write lock at once instead of failing to upgrade a read.
                if (reward.Stock is not null
                    && await db.Rewards.Where(r => r.Id == reward.Id && r.Stock > 0).ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock - 1), cancellationToken) == 0)
                {
                    return RedemptionOutcome.Refused(RewardProblems.OutOfStock, "The last item has just been taken.");
                }

                var periods = RewardEligibility.LimitPeriods(reward, now, standing.TimeZone);
                foreach (var (period, limit) in periods)
                {
                    var counted = await db.RewardUsages
                        .Where(u => u.RewardId == reward.Id && u.MemberId == standing.MemberId && u.Period == period && u.Count < limit)
                        .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + 1), cancellationToken);
                    if (counted == 0)
                    {
                        if (await db.RewardUsages.AnyAsync(u => u.RewardId == reward.Id && u.MemberId == standing.MemberId && u.Period == period, cancellationToken))
                        {
                            return RedemptionOutcome.Refused(RewardProblems.LimitReached, "limit reached");
                        }

                        db.RewardUsages.Add(new RewardUsage { RewardId = reward.Id, MemberId = standing.MemberId, Period = period, Count = 1 });
                    }
                }

                var id = Guid.CreateVersion7(now);
                Guid? partnerCode = null;
                if (reward.Kind == RewardKind.PartnerReward
                    && (partnerCode = await pool.DrawAsync(reward.Id, id, now, cancellationToken)) is null)
                {
                    return RedemptionOutcome.Refused(RewardProblems.OutOfStock, "The last code has just been taken.");
                }

                var redemption = new RewardRedemption
                {
                    Id = id,
                    ProgramCode = reward.ProgramCode,
                    MemberId = standing.MemberId,
                    RewardId = reward.Id,
                    ExternalId = externalId,
                    Points = reward.CostFor(standing.TierCode),
                    CashCoPay = reward.CashCoPay,
                    Status = RedemptionStatus.Pending,
                    UsagePeriods = [.. periods.Select(p => p.Period)],
                    StockTaken = reward.Stock is not null,
                    PartnerCodeId = partnerCode,
                    Fulfilment = reward.Kind == RewardKind.PhysicalItem ? FulfilmentStatus.NotShipped : null,
                    ReservedAt = now,
                };
                db.Redemptions.Add(redemption);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return new RedemptionOutcome(redemption, null, null, null, false);
            }
            catch (DbUpdateException) when (attempt < ReservationAttempts)
            {
                // Another request took the same external id, or counted the member's first use of a period, first.
                db.ChangeTracker.Clear();
                if (externalId is not null && await FindAsync(reward.ProgramCode, externalId, cancellationToken) is { } earlier)
                {
                    return Replay(earlier, standing.MemberId, reward.Id);
                }
            }
        }
    }

    private async Task<RedemptionOutcome> CompleteAsync(RewardRedemption redemption, Reward reward, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        Voucher? voucher = null;
        string? code = null;
        if (reward.IssuesVoucher)
        {
            code = VoucherCodes.Generate(reward.CodeFormat);
            voucher = new Voucher
            {
                Id = Guid.CreateVersion7(now),
                ProgramCode = reward.ProgramCode,
                Code = reward.CodeFormat.HashOnly ? null : code,
                CodeHash = VoucherCodes.Hash(code),
                RewardId = reward.Id,
                RedemptionId = redemption.Id,
                MemberId = redemption.MemberId,
                Kind = reward.Kind,
                Value = reward.Value,
                Percent = reward.Percent,
                MinimumSpend = reward.MinimumSpend,
                ProductSku = reward.ProductSku,
                IssuedAt = now,
                ExpiresAt = reward.VoucherValidDays is { } days ? now.AddDays(days) : null,
            };
            db.Vouchers.Add(voucher);
            redemption.VoucherId = voucher.Id;
        }

        redemption.Status = RedemptionStatus.Completed;
        redemption.CompletedAt = now;
        redemption.Version++;
        audit.Record(db, "rewards.redemption.completed", "redemption", redemption.Id.ToString(), new { redemption.RewardId, redemption.Points, voucher = voucher?.Id });
        db.Publish(new RewardRedeemed(Guid.CreateVersion7(now), now, redemption.ProgramCode, redemption.MemberId, reward.Id, redemption.Id, reward.Kind.ToString(), redemption.Points, voucher?.Id));
        return await SaveOrReloadAsync(redemption, voucher, code, cancellationToken);
    }

    /// <summary>Gives the stock item and the limit counts back and marks the redemption failed, in one transaction.</summary>
    private async Task<RedemptionOutcome> ReleaseAsync(RewardRedemption redemption, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ReturnReservationAsync(redemption, cancellationToken);
            redemption.Status = RedemptionStatus.Failed;
            redemption.FailureReason = reason;
            redemption.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Replay(redemption, redemption.MemberId, redemption.RewardId) with { Replayed = false };
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await CurrentAsync(redemption.Id, cancellationToken);
        }
    }

    /// <summary>Gives back the stock item and the limit counts; a partner code (and its stock item) only if the member has not seen it.</summary>
    private async Task ReturnReservationAsync(RewardRedemption redemption, CancellationToken cancellationToken)
    {
        var codeBack = redemption.PartnerCodeId is { } codeId && await pool.ReturnAsync(codeId, redemption.Id, cancellationToken);
        if (redemption.StockTaken && (redemption.PartnerCodeId is null || codeBack))
        {
            await db.Rewards.Where(r => r.Id == redemption.RewardId && r.Stock != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => r.Stock + 1), cancellationToken);
        }

        if (codeBack)
        {
            await pool.ReassessAsync(redemption.RewardId, clock.GetUtcNow(), cancellationToken);
        }

        foreach (var period in redemption.UsagePeriods)
        {
            await db.RewardUsages.Where(u => u.RewardId == redemption.RewardId && u.MemberId == redemption.MemberId && u.Period == period && u.Count > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count - 1), cancellationToken);
        }
    }

    private async Task<RedemptionOutcome> SaveOrReloadAsync(RewardRedemption redemption, Voucher? voucher, string? issuedCode, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new RedemptionOutcome(redemption, voucher, issuedCode, null, false);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The request, a cancellation or the recovery job moved it first; answer where it stands now.
            db.ChangeTracker.Clear();
            return await CurrentAsync(redemption.Id, cancellationToken);
        }
    }

    private async Task<RedemptionOutcome> CurrentAsync(Guid id, CancellationToken cancellationToken)
    {
        var redemption = await db.Redemptions.AsNoTracking().SingleAsync(r => r.Id == id, cancellationToken);
        return Replay(redemption, redemption.MemberId, redemption.RewardId);
    }

    private Task<RewardRedemption?> FindAsync(string program, string externalId, CancellationToken cancellationToken) =>
        db.Redemptions.AsNoTracking().SingleOrDefaultAsync(r => r.ProgramCode == program && r.ExternalId == externalId, cancellationToken);

    /// <summary>An earlier redemption answered again: its refusal if it failed, itself otherwise.</summary>
    private static RedemptionOutcome Replay(RewardRedemption earlier, Guid memberId, Guid rewardId)
    {
        if (earlier.MemberId != memberId || earlier.RewardId != rewardId)
        {
            return RedemptionOutcome.Refused(RewardProblems.ExternalIdReused, $"The external id '{earlier.ExternalId}' was used for another member or reward.");
        }

        return earlier.Status == RedemptionStatus.Failed
            ? RedemptionOutcome.Refused(earlier.FailureReason!, FailureDetail(earlier.FailureReason))
            : new RedemptionOutcome(earlier, null, null, null, true);
    }

    private static string FailureDetail(string? reason) => reason switch
    {
        RewardProblems.InsufficientPoints => "The member does not have enough spendable points.",
        RewardProblems.MemberNotActive => "The membership is not active.",
        RewardProblems.RedemptionInterrupted => "The redemption was interrupted and undone; nothing was spent.",
        _ => "The redemption was refused.",
    };
}
