using System.Data.Common;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Rewards.Vouchers;

/// <summary>
/// Generates queued batches, resumably. A run claims a batch (so one node generates it), then commits chunk after
/// chunk: the chunk's vouchers and the advanced <see cref="VoucherBatch.Generated"/> in one transaction, the advance
/// conditional on the count it started from and on still holding the claim. A stopped run therefore leaves only whole
/// chunks, and the next run continues after them.
/// </summary>
internal sealed class VoucherBatchGenerator(
    RewardsDbContext db, AuditTrail audit, IOptions<VoucherOptions> options, TimeProvider clock, ILogger<VoucherBatchGenerator> logger)
{
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(5);

    private const int AttemptsPerChunk = 3;

    private static readonly string Node = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Generates every unfinished batch no other node holds, until done or <paramref name="stop"/> is requested.</summary>
    public async Task GenerateDueAsync(CancellationToken stop)
    {
        var now = clock.GetUtcNow();
        var due = await db.VoucherBatches.AsNoTracking()
            .Where(b => b.Status != VoucherBatchStatus.Completed && (b.LockedUntil == null || b.LockedUntil < now))
            .OrderBy(b => b.CreatedAt)
            .Select(b => b.Id)
            .ToListAsync(stop);
        foreach (var id in due)
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (await ClaimAsync(id))
            {
                try
                {
                    await GenerateAsync(id, stop);
                }
                finally
                {
                    await db.VoucherBatches.Where(b => b.Id == id && b.LockedBy == Node)
                        .ExecuteUpdateAsync(set => set.SetProperty(b => b.LockedBy, (string?)null).SetProperty(b => b.LockedUntil, (DateTimeOffset?)null), CancellationToken.None);
                }
            }
        }
    }

    private async Task<bool> ClaimAsync(Guid id)
    {
        var now = clock.GetUtcNow();
        return await db.VoucherBatches
            .Where(b => b.Id == id && b.Status != VoucherBatchStatus.Completed && (b.LockedUntil == null || b.LockedUntil < now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(b => b.LockedBy, Node)
                .SetProperty(b => b.LockedUntil, now + ClaimDuration)
                .SetProperty(b => b.Status, VoucherBatchStatus.Generating)
                .SetProperty(b => b.StartedAt, b => b.StartedAt ?? now)) == 1;
    }

    private async Task GenerateAsync(Guid id, CancellationToken stop)
    {
        var batch = await db.VoucherBatches.AsNoTracking().SingleAsync(b => b.Id == id, stop);
        var chunkSize = Math.Max(1, options.Value.BatchChunkSize);
        var resumedAt = batch.Generated;
        var attempt = 1;
        while (batch.Generated < batch.Count && !stop.IsCancellationRequested)
        {
            var size = Math.Min(chunkSize, batch.Count - batch.Generated);
            try
            {
                if (!await CommitChunkAsync(batch, size))
                {
                    logger.LogWarning("Voucher batch {BatchId}: another node took it over at {Generated} codes", id, batch.Generated);
                    return;
                }

                batch.Generated += size;
                attempt = 1;
            }
            catch (Exception exception) when (exception is DbUpdateException or DbException && attempt < AttemptsPerChunk)
            {
                // Most likely a code that an earlier voucher of the program already has: the chunk is drawn again.
                logger.LogWarning("Voucher batch {BatchId}: chunk at {Generated} failed with {Exception}; drawing it again", id, batch.Generated, exception.GetType().Name);
                db.ChangeTracker.Clear();
                attempt++;
            }
        }

        if (batch.Generated < batch.Count)
        {
            logger.LogInformation("Voucher batch {BatchId}: stopped at {Generated} of {Count} codes", id, batch.Generated, batch.Count);
            return;
        }

        var now = clock.GetUtcNow();
        audit.Record(db, "rewards.voucher-batch.completed", "voucher-batch", id.ToString(), new { batch.Code, batch.Count });
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.VoucherBatches.Where(b => b.Id == id && b.LockedBy == Node)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.Status, VoucherBatchStatus.Completed).SetProperty(b => b.CompletedAt, now), CancellationToken.None);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        logger.LogInformation("Voucher batch {BatchId}: completed {Count} codes ({Resumed} generated in this run)", id, batch.Count, batch.Count - resumedAt);
    }

    /// <summary>
    /// One chunk in one transaction. Not cancelled by the stop request: a chunk takes well under a second, and a
    /// cancelled one would only be drawn again.
    /// </summary>
    private async Task<bool> CommitChunkAsync(VoucherBatch batch, int size)
    {
        var now = clock.GetUtcNow();
        var codes = new HashSet<string>(size, StringComparer.Ordinal);
        while (codes.Count < size)
        {
            codes.Add(VoucherCodes.Generate(batch.CodeFormat));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var from = batch.Generated;
        var advanced = await db.VoucherBatches
            .Where(b => b.Id == batch.Id && b.LockedBy == Node && b.Generated == from)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.Generated, from + size).SetProperty(b => b.LockedUntil, now + ClaimDuration), CancellationToken.None);
        if (advanced == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return false;
        }

        // A hashOnly batch keeps its codes until their one download (see the codes endpoint), which drops them.
        db.Vouchers.AddRange(codes.Select(code => new Voucher
        {
            Id = Guid.CreateVersion7(now),
            ProgramCode = batch.ProgramCode,
            Code = code,
            CodeHash = VoucherCodes.Hash(code),
            BatchId = batch.Id,
            Kind = batch.Kind,
            Value = batch.Value,
            Percent = batch.Percent,
            MinimumSpend = batch.MinimumSpend,
            ProductSku = batch.ProductSku,
            IssuedAt = now,
            ExpiresAt = batch.ExpiresAt,
            MaxUses = batch.MaxUses,
        }));
        await db.SaveChangesCopyingAsync([typeof(Voucher)], CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        db.ChangeTracker.Clear();
        return true;
    }
}
