using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Loyalty.Consent.Exports;

/// <summary>The folder encrypted archives are written to.</summary>
internal sealed class ExportStorage(IOptions<ConsentOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    public string Directory { get; } = options.Value.ExportDirectory is { Length: > 0 } configured
        ? Path.GetFullPath(configured, environment.ContentRootPath)
        : Path.Combine(Path.GetFullPath(DatabaseOptions.From(configuration).DataDirectory, environment.ContentRootPath), "exports");

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);
}

/// <summary>
/// Builds a member's export (Art. 15, 20): one zip with each module's JSON, a manifest and an HTML summary, written
/// straight through AES-GCM into a file, so memory stays flat whatever the history. All or nothing: when a module
/// fails, the archive is deleted, the module's step says so, and the request keeps work for the retry job.
/// </summary>
internal sealed class MemberExport(
    ConsentDbContext db, IServiceProvider services, IDataProtectionProvider dataProtection, ExportStorage storage,
    AuditTrail audit, TimeProvider clock, IOptions<ConsentOptions> options)
{
    public const string ProtectorPurpose = "Loyalty.Consent.ExportArchiveKey";

    public IDataProtector Protector => dataProtection.CreateProtector(ProtectorPurpose);

    /// <summary>Runs the export of an access or portability request; true when the archive is ready.</summary>
    public async Task<bool> RunAsync(DataSubjectRequest request, CancellationToken cancellationToken)
    {
        var memberId = request.MemberId!.Value;
        await using var scope = services.CreateAsyncScope();
        var providers = scope.ServiceProvider.GetServices<IPersonalDataProvider>().OrderBy(p => p.Module, StringComparer.Ordinal).ToList();
        var steps = await db.RequestSteps.Where(s => s.RequestId == request.Id && s.Kind == StepKind.Export).ToListAsync(cancellationToken);
        foreach (var provider in providers.Where(p => steps.All(s => s.Name != p.Module)))
        {
            var step = new RequestStep { Id = Guid.CreateVersion7(clock.GetUtcNow()), RequestId = request.Id, Kind = StepKind.Export, Name = provider.Module };
            db.RequestSteps.Add(step);
            steps.Add(step);
        }

        System.IO.Directory.CreateDirectory(storage.Directory);
        var key = ChunkedAesGcm.NewKey();
        var fileName = $"{request.Id:N}-{Guid.NewGuid():N}.lmx";
        var path = storage.PathOf(fileName);
        var failed = false;
        var now = clock.GetUtcNow();
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: false))
        {
            await using var encrypted = ChunkedAesGcm.Encrypt(file, key);
            using var zip = new ZipArchive(encrypted, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var provider in providers)
            {
                var step = steps.Single(s => s.Name == provider.Module);
                step.Attempts++;
                try
                {
                    // Fastest: a long history's JSON deflates about three times quicker than with Optimal, to an archive
                    // about a fifth larger; the export is waited for, the archive is downloaded once.
                    await using var entry = new EntryStream(zip.CreateEntry($"{provider.Module}.json", CompressionLevel.Fastest).Open());
                    await using var writer = new Utf8JsonWriter(entry, new JsonWriterOptions { Indented = true });
                    await provider.ExportAsync(memberId, writer, cancellationToken);
                    await writer.FlushAsync(cancellationToken);
                    (step.Status, step.Error, step.CompletedAt) = (StepStatus.Done, null, clock.GetUtcNow());
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The type only: a message may quote the member's data, and steps are shown to every DPO.
                    (step.Status, step.Error) = (StepStatus.Failed, e.GetType().Name);
                    failed = true;
                }
            }

            if (!failed)
            {
                await WriteEntryAsync(zip, "manifest.json", stream =>
                    JsonSerializer.SerializeAsync(stream, new
                    {
                        requestId = request.Id, type = request.Type.ToString().ToLowerInvariant(), memberId, generatedAt = now, complete = true,
                        modules = providers.Select(p => new { module = p.Module, file = $"{p.Module}.json", p.Description.Categories, p.Description.Purposes, p.Description.Retention }),
                    }, JsonSerializerOptions.Web, cancellationToken));
                await WriteEntryAsync(zip, "summary.html", stream => stream.WriteAsync(Summary(request, memberId, now, providers), cancellationToken).AsTask());
            }
        }

        if (failed)
        {
            File.Delete(path);
            request.WorkPending = true;
            audit.Record(db, "consent.request.export-failed", "request", request.Id.ToString(),
                new { modules = steps.Where(s => s.Status == StepStatus.Failed).Select(s => s.Name) });
            await db.SaveChangesAsync(cancellationToken);
            return false;
        }

        db.ExportArchives.Add(new ExportArchive
        {
            Id = Guid.CreateVersion7(now), RequestId = request.Id, FileName = fileName, ProtectedKey = Protector.Protect(key),
            Size = new FileInfo(path).Length, CreatedAt = now, DeleteAfter = now + options.Value.ExportRetention,
        });
        (request.Status, request.CompletedAt, request.WorkPending) = (RequestStatus.Completed, now, false);
        audit.Record(db, "consent.request.exported", "request", request.Id.ToString(), new { memberId, modules = providers.Select(p => p.Module) });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, Func<Stream, Task> write)
    {
        await using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        await write(entry);
    }

    private static byte[] Summary(DataSubjectRequest request, Guid memberId, DateTimeOffset now, IReadOnlyList<IPersonalDataProvider> providers)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Your personal data</title></head><body>");
        html.Append("<h1>Your personal data</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>This archive answers your request {E(request.Id.ToString())} ({E(request.Type.ToString().ToLowerInvariant())}), received {request.ReceivedAt:yyyy-MM-dd}, ");
        html.Append(CultureInfo.InvariantCulture, $"for member {E(memberId.ToString())}. It was made on {now:yyyy-MM-dd HH:mm} UTC.</p>");
        html.Append("<p>Each part of the loyalty program that holds data about you wrote it to a file of its own, in JSON, a format other programs can read (GDPR Art. 20). ");
        html.Append("manifest.json lists them.</p>");
        foreach (var provider in providers)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{E(provider.Module)}</h2><p>File: <code>{E(provider.Module)}.json</code></p>");
            html.Append("<h3>What is held</h3><ul>");
            foreach (var category in provider.Description.Categories)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(category)}</li>");
            }

            html.Append("</ul><h3>Why</h3><ul>");
            foreach (var purpose in provider.Description.Purposes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(purpose)}</li>");
            }

            html.Append(CultureInfo.InvariantCulture, $"</ul><h3>For how long</h3><p>{E(provider.Description.Retention)}</p>");
        }

        html.Append("</body></html>");
        return Encoding.UTF8.GetBytes(html.ToString());
    }
}
