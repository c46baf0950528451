using System.Data.Common;
using System.Security.Cryptography;
using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Redemption;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.PartnerCodes;

internal sealed record PartnerCodeUploadDto(Guid Id, string? FileName, string Sha256, int Count, DateTimeOffset UploadedAt);

/// <param name="Available">Codes left to draw; the reward is out of stock at 0.</param>
/// <param name="Assigned">Codes drawn by redemptions (pending or completed), revealed or not.</param>
/// <param name="Revealed">Of the assigned codes, those the member has seen: never given back to the pool.</param>
/// <param name="Low">Whether the low-pool alert is raised (the available codes are at or below the threshold).</param>
internal sealed record PartnerCodePoolDto(
    Guid RewardId, long Available, long Assigned, long Revealed, int? LowPoolThreshold, bool Low, DateTimeOffset? LowSince, bool OutOfStock, bool HashOnly,
    IReadOnlyList<PartnerCodeUploadDto> Uploads);

internal sealed record ChangePoolThresholdRequest(int? LowPoolThreshold);

internal sealed record PartnerCodeDto(Guid RedemptionId, string Code, DateTimeOffset RevealedAt);

internal static class PartnerCodeEndpoints
{
    /// <summary>Codes files are read whole into memory: 16 MiB is some 500,000 codes of 30 characters.</summary>
    public const int MaxUploadBytes = 16 * 1024 * 1024;

    private const int LookupChunk = 1000;

    public static void MapPartnerCodeEndpoints(this RouteGroupBuilder api)
    {
        var codes = api.MapGroup("/programs/{program}/rewards/{rewardId:guid}/codes");
        // No Idempotency-Key: the file's SHA-256 makes the upload idempotent; the same file again answers its upload.
        codes.MapPost("/", Upload).RequireAuthorization(Policies.ManagePrograms)
            .WithSummary("Add a partner's codes to a partner reward's pool from CSV (raw text/csv body or multipart/form-data)");
        codes.MapGet("/", Status).RequireAuthorization(Policies.ViewPrograms);
        codes.MapPost("/threshold", ChangeThreshold).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Raise the low-pool alert when 50 codes or fewer are left (null: no alert)", new ChangePoolThresholdRequest(50));
        api.MapPost("/programs/{program}/redemptions/{redemptionId:guid}/partner-code", Reveal).RequireAuthorization(Policies.Integrate)
            .WithSummary("Show the member the partner code of a completed redemption; from then on a cancellation no longer returns it to the pool");
    }

    /// <summary>
    /// Adds a CSV of codes to the pool in one transaction, or nothing: every bad line (empty, too long, repeated in
    /// the file, already in the pool) is answered with its line and reason, never its code.
    /// </summary>
    private static async Task<Results<Created<PartnerCodeUploadDto>, Ok<PartnerCodeUploadDto>, ProblemHttpResult, ValidationProblem>> Upload(
        string program, Guid rewardId, string? fileName, HttpRequest request, RewardsDbContext db, PartnerCodePool pool, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var reward = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return CatalogEndpoints.Unknown(rewardId);
        }

        if (reward.Kind != RewardKind.PartnerReward)
        {
            return RewardProblems.Problem(RewardProblems.NotPartnerReward, "Only a partner reward draws codes from a pool.");
        }

        var (content, name, bodyError) = await ReadBodyAsync(request, fileName, cancellationToken);
        if (bodyError is not null)
        {
            return new ValidationErrors().Check(false, "file", bodyError).ToProblem();
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content!));
        var (codes, errors) = await PartnerCodeFile.ReadAsync(content!, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            if (await db.PartnerCodeUploads.AsNoTracking().SingleOrDefaultAsync(u => u.RewardId == rewardId && u.Sha256 == sha256, cancellationToken) is { } earlier)
            {
                return TypedResults.Ok(UploadDto(earlier));
            }

            var hashed = codes.Select(c => (c.Line, c.Code, Hash: PartnerCode.Hash(c.Code))).ToList();
            var inPool = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in hashed.Chunk(LookupChunk))
            {
                var hashes = chunk.Select(c => c.Hash).ToList();
                inPool.UnionWith(await db.PartnerCodes.Where(c => c.RewardId == rewardId && hashes.Contains(c.CodeHash)).Select(c => c.CodeHash).ToListAsync(cancellationToken));
            }

            var refused = errors.Concat(hashed.Where(c => inPool.Contains(c.Hash)).Select(c => new CodeFileError(c.Line, "The code is already in the pool.")))
                .OrderBy(e => e.Line).ToList();
            if (refused.Count > 0)
            {
                return RewardProblems.Problem(RewardProblems.CodeFileRejected, $"{refused.Count} line(s) cannot go into the pool; fix them and upload the file again.",
                    new Dictionary<string, object?> { ["errorCount"] = refused.Count, ["errors"] = refused.Take(PartnerCodeFile.MaxListedErrors).ToList() });
            }

            var now = clock.GetUtcNow();
            var upload = new PartnerCodeUpload { Id = Guid.CreateVersion7(now), RewardId = rewardId, Sha256 = sha256, FileName = name, Count = hashed.Count, UploadedAt = now };
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // The stock first: it queues this upload behind draws from the pool (and takes SQLite's write lock at once).
                await db.Rewards.Where(r => r.Id == rewardId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Stock, r => (r.Stock ?? 0) + hashed.Count), cancellationToken);
                db.PartnerCodeUploads.Add(upload);
                db.PartnerCodes.AddRange(hashed.Select(c => new PartnerCode
                {
                    Id = Guid.CreateVersion7(now),
                    RewardId = rewardId,
                    Code = c.Code,
                    CodeHash = c.Hash,
                    UploadId = upload.Id,
                    Status = PartnerCodeStatus.Available,
                }));
                audit.Record(db, "rewards.partner-codes.uploaded", "reward", rewardId.ToString(), new { upload = upload.Id, upload.Count, sha256 });
                await pool.ReassessAsync(rewardId, now, cancellationToken);
                await db.SaveChangesCopyingAsync([typeof(PartnerCode)], cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return TypedResults.Created($"/api/rewards/programs/{program}/rewards/{rewardId}/codes", UploadDto(upload));
            }
            catch (Exception exception) when (exception is DbUpdateException or DbException && attempt < 3)
            {
                // A concurrent upload of the same file, or of some of the same codes, committed first: look again.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The raw body, or the first file of a multipart form; at most <see cref="MaxUploadBytes"/>.</summary>
    private static async Task<(byte[]? Content, string? Name, string? Error)> ReadBodyAsync(HttpRequest request, string? fileName, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes + 64 * 1024;
        }

        Stream body = request.Body;
        var name = fileName;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.Count == 0)
            {
                return (null, null, "Attach the CSV file to the form.");
            }

            body = form.Files[0].OpenReadStream();
            name ??= form.Files[0].FileName;
        }

        await using (body)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > MaxUploadBytes)
                {
                    return (null, null, $"Send at most {MaxUploadBytes / 1024 / 1024} MiB of codes per file.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.Length == 0
                ? (null, null, "Send the CSV file (a 'code' column) as the request body or in a multipart form.")
                : (buffer.ToArray(), name is { Length: > 200 } ? name[..200] : name, null);
        }
    }

    private static async Task<Results<Ok<PartnerCodePoolDto>, ProblemHttpResult>> Status(string program, Guid rewardId, RewardsDbContext db, CancellationToken cancellationToken)
    {
        var reward = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return CatalogEndpoints.Unknown(rewardId);
        }

        if (reward.Kind != RewardKind.PartnerReward)
        {
            return RewardProblems.Problem(RewardProblems.NotPartnerReward, "Only a partner reward draws codes from a pool.");
        }

        return TypedResults.Ok(await PoolAsync(db, reward, cancellationToken));
    }

    /// <summary>Sets or clears the threshold and looks at the pool again: an alert is raised at once if it is already low.</summary>
    private static async Task<Results<Ok<PartnerCodePoolDto>, ProblemHttpResult, ValidationProblem>> ChangeThreshold(
        string program, Guid rewardId, ChangePoolThresholdRequest request, RewardsDbContext db, PartnerCodePool pool, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (request.LowPoolThreshold is not (null or (>= 0 and <= 1_000_000)))
        {
            return new ValidationErrors().Check(false, "lowPoolThreshold", "Give 0 to 1,000,000 codes, or null for no alert.").ToProblem();
        }

        var reward = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rewardId && r.ProgramCode == program, cancellationToken);
        if (reward is null)
        {
            return CatalogEndpoints.Unknown(rewardId);
        }

        if (reward.Kind != RewardKind.PartnerReward)
        {
            return RewardProblems.Problem(RewardProblems.NotPartnerReward, "Only a partner reward draws codes from a pool.");
        }

        var now = clock.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var row = db.Rewards.Where(r => r.Id == rewardId);
            _ = request.LowPoolThreshold is { } threshold
                ? await row.ExecuteUpdateAsync(s => s.SetProperty(r => r.LowPoolThreshold, threshold), cancellationToken)
                : await row.ExecuteUpdateAsync(s => s.SetProperty(r => r.LowPoolThreshold, (int?)null).SetProperty(r => r.LowPoolSince, (DateTimeOffset?)null), cancellationToken);
            await pool.ReassessAsync(rewardId, now, cancellationToken);
            audit.Record(db, "rewards.partner-codes.threshold-changed", "reward", rewardId.ToString(), new { threshold = request.LowPoolThreshold });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        reward = await db.Rewards.AsNoTracking().SingleAsync(r => r.Id == rewardId, cancellationToken);
        return TypedResults.Ok(await PoolAsync(db, reward, cancellationToken));
    }

    /// <summary>
    /// Shows the code of a completed redemption. Marking it revealed is a conditional update on the code still
    /// being this redemption's, so it races safely with a cancellation: either the code went back to the pool first
    /// (and is not shown) or it is shown (and stays with the redemption). Where only hashes are kept, the code is
    /// shown this once and then erased.
    /// </summary>
    private static async Task<Results<Ok<PartnerCodeDto>, ProblemHttpResult>> Reveal(
        string program, Guid redemptionId, RewardsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var redemption = await db.Redemptions.AsNoTracking().SingleOrDefaultAsync(r => r.Id == redemptionId && r.ProgramCode == program, cancellationToken);
        if (redemption is null)
        {
            return RewardProblems.Problem(RewardProblems.UnknownRedemption, $"There is no redemption {redemptionId} in this program.");
        }

        if (redemption.PartnerCodeId is not { } codeId)
        {
            return RewardProblems.Problem(RewardProblems.NoPartnerCode, "Only a redemption of a partner reward has a partner code.");
        }

        var code = await db.PartnerCodes.AsNoTracking().SingleAsync(c => c.Id == codeId, cancellationToken);
        if (redemption.Status != RedemptionStatus.Completed || code.RedemptionId != redemption.Id)
        {
            return NotRevealable(redemption);
        }

        if (code.Code is not { } value)
        {
            return RewardProblems.Problem(RewardProblems.PartnerCodeShown, "The code was shown when it was first revealed and is no longer kept.");
        }

        var hashOnly = await db.Rewards.Where(r => r.Id == redemption.RewardId).Select(r => r.CodeFormat.HashOnly).SingleAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var shown = db.PartnerCodes.Where(c => c.Id == codeId && c.RedemptionId == redemption.Id && c.Code != null);
        var updated = hashOnly
            ? await shown.ExecuteUpdateAsync(s => s.SetProperty(c => c.RevealedAt, c => c.RevealedAt ?? now).SetProperty(c => c.Code, (string?)null), cancellationToken)
            : await shown.ExecuteUpdateAsync(s => s.SetProperty(c => c.RevealedAt, c => c.RevealedAt ?? now), cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.PartnerCodes.AsNoTracking().SingleAsync(c => c.Id == codeId, cancellationToken);
            return current.RedemptionId == redemption.Id
                ? RewardProblems.Problem(RewardProblems.PartnerCodeShown, "The code was shown when it was first revealed and is no longer kept.")
                : NotRevealable(redemption);
        }

        if (code.RevealedAt is null)
        {
            audit.Record(db, "rewards.partner-code.revealed", "redemption", redemption.Id.ToString(), new { rewardId = redemption.RewardId, code = codeId });
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new PartnerCodeDto(redemption.Id, value, code.RevealedAt ?? now));
    }

    private static ProblemHttpResult NotRevealable(RewardRedemption redemption) =>
        RewardProblems.Problem(RewardProblems.PartnerCodeNotRevealable,
            redemption.Status == RedemptionStatus.Completed
                ? "The redemption was cancelled and its code went back to the pool."
                : $"The redemption is {redemption.Status.ToString().ToLowerInvariant()}; a code is shown only for a completed one.");

    private static async Task<PartnerCodePoolDto> PoolAsync(RewardsDbContext db, Reward reward, CancellationToken cancellationToken)
    {
        var counts = await db.PartnerCodes.AsNoTracking().Where(c => c.RewardId == reward.Id)
            .GroupBy(c => new { c.Status, Revealed = c.RevealedAt != null })
            .Select(g => new { g.Key.Status, g.Key.Revealed, Count = g.LongCount() })
            .ToListAsync(cancellationToken);
        var uploads = await db.PartnerCodeUploads.AsNoTracking().Where(u => u.RewardId == reward.Id).OrderByDescending(u => u.Id).Take(100).ToListAsync(cancellationToken);
        var available = counts.Where(c => c.Status == PartnerCodeStatus.Available).Sum(c => c.Count);
        return new PartnerCodePoolDto(
            reward.Id,
            available,
            counts.Where(c => c.Status == PartnerCodeStatus.Assigned).Sum(c => c.Count),
            counts.Where(c => c.Status == PartnerCodeStatus.Assigned && c.Revealed).Sum(c => c.Count),
            reward.LowPoolThreshold,
            reward.LowPoolSince is not null,
            reward.LowPoolSince,
            available == 0,
            reward.CodeFormat.HashOnly,
            [.. uploads.Select(UploadDto)]);
    }

    private static PartnerCodeUploadDto UploadDto(PartnerCodeUpload u) => new(u.Id, u.FileName, u.Sha256, u.Count, u.UploadedAt);
}
