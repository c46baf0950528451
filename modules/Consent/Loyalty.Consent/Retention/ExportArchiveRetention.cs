using Loyalty.Consent.Contracts;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <summary>Export archives of closed requests, deleted (file and link) a period after they were made, downloaded or not.</summary>
internal sealed class ExportArchiveRetention(ConsentDbContext db, ExportStorage storage, TimeProvider clock) : IRetentionCategory
{
    public string Key => "consent.export-archives";

    public string Module => ConsentDbContext.SchemaName;

    public string Name => "export archives of closed access and portability requests";

    public string Description => "The encrypted archive and its download link are deleted this many days after the export was made, downloaded or not.";

    public int DefaultPeriodDays => 30;

    public Task<int> CountDueAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Due(cutoff).CountAsync(cancellationToken);

    public async Task<RetentionBatch> ApplyBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var archives = await Due(cutoff).OrderBy(a => a.CreatedAt).Take(batchSize).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var archive in archives)
        {
            // Before the commit: a file deleted by a batch that then failed is deleted again, harmlessly, by the next.
            File.Delete(storage.PathOf(archive.FileName));
            (archive.DeletedAt, archive.LinkTokenHash, archive.LinkExpiresAt) = (now, null, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        return new RetentionBatch(archives.Count, archives.Count);
    }

    private IQueryable<ExportArchive> Due(DateTimeOffset cutoff) =>
        db.ExportArchives.Where(a => a.DeletedAt == null && a.CreatedAt <= cutoff
            && db.Requests.Any(r => r.Id == a.RequestId && (r.Status == RequestStatus.Completed || r.Status == RequestStatus.Rejected)));
}
