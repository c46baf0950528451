using System.Security.Cryptography;
using System.Text;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Exports;

internal static class ExportEndpoints
{
    public static void MapExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/requests/{requestId:guid}/export/link", CreateLink).RequireAuthorization(Policies.ProtectData);
        api.MapGet("/exports/{token}", Download).RequireAuthorization(Policies.ProtectData);
    }

    /// <summary>A download link for the request's archive, valid once and until it expires; a new link replaces the old one.</summary>
    private static async Task<Results<Ok<ExportLinkDto>, NotFound, ProblemHttpResult>> CreateLink(
        Guid requestId, ConsentDbContext db, AuditTrail audit, TimeProvider clock, IOptions<ConsentOptions> options, CancellationToken cancellationToken)
    {
        var archive = await db.ExportArchives.Where(a => a.RequestId == requestId).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (archive is null)
        {
            return TypedResults.NotFound();
        }

        if (archive.DownloadedAt is not null || archive.DeletedAt is not null)
        {
            return TypedResults.Problem(title: "The archive is gone.",
                detail: "It was downloaded once, or deleted after its retention; run the export again for a new one.", statusCode: StatusCodes.Status410Gone);
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        archive.LinkTokenHash = Hash(token);
        archive.LinkExpiresAt = clock.GetUtcNow() + options.Value.ExportLinkLifetime;
        audit.Record(db, "consent.export.link-created", "request", requestId.ToString(), new { archive = archive.Id, expiresAt = archive.LinkExpiresAt });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new ExportLinkDto($"/api/consent/exports/{token}", archive.LinkExpiresAt.Value));
    }

    /// <summary>
    /// Streams the decrypted archive once: the download is recorded (who, when, which member) before the first byte,
    /// and the file is deleted after the last.
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, PushStreamHttpResult, NotFound, ProblemHttpResult>> Download(
        string token, ConsentDbContext db, MemberExport export, ExportStorage storage, AuditTrail audit, CurrentActor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var archive = await db.ExportArchives.AsNoTracking().SingleOrDefaultAsync(a => a.LinkTokenHash == hash, cancellationToken);
        if (archive is null)
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var taken = await db.ExportArchives
            .Where(a => a.Id == archive.Id && a.DownloadedAt == null && a.DeletedAt == null && a.LinkExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.DownloadedAt, now).SetProperty(a => a.DownloadedBy, actor.Name), cancellationToken);
        if (taken == 0)
        {
            return TypedResults.Problem(title: "The link is no longer valid.",
                detail: archive.DownloadedAt is not null || archive.DeletedAt is not null ? "The archive was downloaded already; it can be downloaded once." : "The link has expired; create a new one.",
                statusCode: StatusCodes.Status410Gone);
        }

        var memberId = await db.Requests.Where(r => r.Id == archive.RequestId).Select(r => r.MemberId).SingleAsync(cancellationToken);
        audit.RecordPersonalDataAccess(db, "consent.export.downloaded", memberId!.Value, new { request = archive.RequestId, archive = archive.Id });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var key = export.Protector.Unprotect(archive.ProtectedKey);
        var path = storage.PathOf(archive.FileName);
        return TypedResults.Stream(async body =>
        {
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true))
            {
                await ChunkedAesGcm.DecryptAsync(file, body, key, CancellationToken.None);
            }

            File.Delete(path);
            await db.ExportArchives.Where(a => a.Id == archive.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.DeletedAt, clock.GetUtcNow()), CancellationToken.None);
        }, "application/zip", $"personal-data-{archive.RequestId:N}.zip");
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
