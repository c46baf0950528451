using System.Text;
using Loyalty.Rewards.Jobs;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Loyalty.Rewards.Vouchers;

internal static class VoucherBatchEndpoints
{
    public static void MapVoucherBatchEndpoints(this RouteGroupBuilder api)
    {
        var batches = api.MapGroup("/programs/{program}/voucher-batches").RequireAuthorization(Policies.ManagePrograms);
        batches.MapPost("/", Create)
            .WithExample("Queue the generation of up to 1,000,000 bearer codes for a campaign (idempotent on code)", new CreateVoucherBatchRequest(
                "spring-2027", 100_000, "discountVoucher", null, 10m, 3000, null, null, 1, new("SPRING-", 12, null, true, true)));
        batches.MapGet("/", List)
            .WithSummary("The program's voucher batches, newest first (at most 100), with their progress");
        batches.MapGet("/{id:guid}", Get).WithName("GetVoucherBatch")
            .WithSummary("A voucher batch's status and progress");
        batches.MapGet("/{id:guid}/codes", Codes)
            .WithSummary("The batch's codes as CSV, streamed; a hashOnly batch's codes are given once and then dropped");
    }

    /// <summary>
    /// Queues a batch (202, with its location to poll) and fires the generation job. A repeat with the batch's code and
    /// the same settings answers the batch (200 once complete, 202 before); other settings are <c>batch-exists</c>.
    /// </summary>
    private static async Task<Results<AcceptedAtRoute<VoucherBatchDto>, Ok<VoucherBatchDto>, ProblemHttpResult, ValidationProblem>> Create(
        string program, CreateVoucherBatchRequest request, RewardsDbContext db, AuditTrail audit, ISchedulerFactory schedulers, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var errors = request.Validate(now);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var format = VoucherCodeFormat.From(request.CodeFormat);
        var batch = new VoucherBatch
        {
            Id = Guid.CreateVersion7(now),
            ProgramCode = program,
            Code = request.Code!,
            Count = request.Count!.Value,
            CodeFormat = format,
            Kind = request.ParsedKind!.Value,
            Value = request.Value,
            Percent = request.Percent,
            MinimumSpend = request.MinimumSpend,
            ProductSku = request.ProductSku,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
            MaxUses = request.MaxUses ?? 1,
            Status = VoucherBatchStatus.Queued,
            CreatedAt = now,
        };
        if (await ExistingAsync(db, batch, cancellationToken) is { } existing)
        {
            return existing;
        }

        db.VoucherBatches.Add(batch);
        audit.Record(db, "rewards.voucher-batch.created", "voucher-batch", batch.Id.ToString(),
            new { program, batch.Code, batch.Count, kind = batch.Kind.ToString(), format.HashOnly });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same batch, sent twice at once: the other request queued it.
            db.ChangeTracker.Clear();
            return await ExistingAsync(db, batch, cancellationToken) ?? throw new InvalidOperationException("The voucher batch could not be saved.");
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(GenerateVoucherBatchesJob.Key, cancellationToken);
        return TypedResults.AcceptedAtRoute(VoucherBatchDto.From(batch), "GetVoucherBatch", new { program, id = batch.Id });
    }

    private static async Task<Results<AcceptedAtRoute<VoucherBatchDto>, Ok<VoucherBatchDto>, ProblemHttpResult, ValidationProblem>?> ExistingAsync(
        RewardsDbContext db, VoucherBatch requested, CancellationToken cancellationToken)
    {
        var existing = await db.VoucherBatches.AsNoTracking().SingleOrDefaultAsync(b => b.ProgramCode == requested.ProgramCode && b.Code == requested.Code, cancellationToken);
        if (existing is null)
        {
            return null;
        }

        if (existing.Count != requested.Count || existing.CodeFormat.HashOnly != requested.CodeFormat.HashOnly || existing.Kind != requested.Kind
            || existing.Value != requested.Value || existing.Percent != requested.Percent)
        {
            return RewardProblems.Problem(RewardProblems.BatchExists, $"The batch '{requested.Code}' exists with {existing.Count} codes and other settings.");
        }

        return existing.Status == VoucherBatchStatus.Completed
            ? TypedResults.Ok(VoucherBatchDto.From(existing))
            : TypedResults.AcceptedAtRoute(VoucherBatchDto.From(existing), "GetVoucherBatch", new { program = existing.ProgramCode, id = existing.Id });
    }

    private static async Task<Ok<List<VoucherBatchDto>>> List(string program, RewardsDbContext db, CancellationToken cancellationToken)
    {
        // Ids are version 7 GUIDs, in the order the batches were created.
        var batches = await db.VoucherBatches.AsNoTracking().Where(b => b.ProgramCode == program).OrderByDescending(b => b.Id).Take(100).ToListAsync(cancellationToken);
        return TypedResults.Ok(batches.ConvertAll(VoucherBatchDto.From));
    }

    private static async Task<Results<Ok<VoucherBatchDto>, ProblemHttpResult>> Get(string program, Guid id, RewardsDbContext db, CancellationToken cancellationToken) =>
        await db.VoucherBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id && b.ProgramCode == program, cancellationToken) is { } batch
            ? TypedResults.Ok(VoucherBatchDto.From(batch))
            : RewardProblems.Problem(RewardProblems.UnknownBatch, "No voucher batch has this id in the program.");

    /// <summary>
    /// Streams the codes as CSV (<c>code</c> per line). A hashOnly batch's codes are dropped, and the batch marked
    /// shown, only after the whole file was written, so a broken download can be repeated.
    /// </summary>
    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> Codes(
        string program, Guid id, HttpContext http, RewardsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var batch = await db.VoucherBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id && b.ProgramCode == program, cancellationToken);
        if (batch is null)
        {
            return RewardProblems.Problem(RewardProblems.UnknownBatch, "No voucher batch has this id in the program.");
        }

        if (batch.Status != VoucherBatchStatus.Completed)
        {
            return RewardProblems.Problem(RewardProblems.BatchNotComplete, $"The batch has {batch.Generated} of {batch.Count} codes; download it when it is complete.");
        }

        if (batch.CodesShownAt is { } shownAt)
        {
            return RewardProblems.Problem(RewardProblems.BatchCodesShown, $"The codes were downloaded at {shownAt:u}; only their hashes are kept.");
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{batch.Code}-codes.csv\"";
        await using (var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 65536))
        {
            await writer.WriteLineAsync("code");
            await foreach (var code in db.Vouchers.AsNoTracking().Where(v => v.BatchId == id).OrderBy(v => v.Id).Select(v => v.Code)
                               .AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                await writer.WriteLineAsync(code);
            }
        }

        if (batch.CodeFormat.HashOnly)
        {
            var now = clock.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await db.Vouchers.Where(v => v.BatchId == id).ExecuteUpdateAsync(set => set.SetProperty(v => v.Code, (string?)null), CancellationToken.None);
            await db.VoucherBatches.Where(b => b.Id == id).ExecuteUpdateAsync(set => set.SetProperty(b => b.CodesShownAt, now), CancellationToken.None);
            audit.Record(db, "rewards.voucher-batch.codes-shown", "voucher-batch", id.ToString(), new { batch.Code, batch.Count });
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        return TypedResults.Empty;
    }
}
