using System.Text.Json;
using Loyalty.Consent.Consents;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.PersonalData;

/// <summary>
/// The member's data subject requests, consent history and objection or restriction marks: exported; on erasure the
/// free-text notes, the evidence's IP addresses and form ids, and export archives not yet deleted (with their download
/// links) go, the records stay as proof.
/// </summary>
internal sealed class ConsentPersonalData(ConsentDbContext db, ExportStorage storage, TimeProvider clock) : IPersonalDataProvider
{
    private static readonly RetainedData[] Retained =
    [
        new("Data subject requests: type, dates, status, how identity was checked, under the pseudonymous member id",
            "Art. 5(2) and 17(3)(e): proof that the request was answered in time, for the supervisory authority"),
        new("Consent history: purpose, channel, granted or withdrawn, text version, time and source, under the pseudonymous member id",
            "Art. 7(1) and 17(3)(e): proof that processing before the erasure was consented to"),
        new("Objection and restriction marks: kind, dates, the request they carried out",
            "Art. 5(2) and 17(3)(e): proof that the objection or restriction was respected"),
        new("Keyed hashes of the member's email, phone and external ids on the suppression list",
            "Art. 17(3)(b) and 21: keeps the erased person from being enrolled or imported again; the hashes name nobody without the secret"),
    ];

    public string Module => ConsentDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["data subject requests (type, dates, status, notes)", "consents given and withdrawn, with their evidence (IP address, form id)", "objections and restrictions"],
        ["answering data subject requests within the legal deadline", "proving that they were answered", "proving consent (Art. 7(1)) and respecting its withdrawal, objections and restrictions"],
        "request records and consent history for as long as they may be asked about; notes and evidence until erasure");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("requests");
        await foreach (var request in db.Requests.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.ReceivedAt).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, new
            {
                request.Id, Type = request.Type.ToString(), request.ReceivedAt, request.DueOn, request.ExtendedDueOn, request.ExtensionReason,
                Status = request.Status.ToString(), request.RejectionReason, request.Verification, request.Notes, request.CompletedAt,
            }, JsonSerializerOptions.Web);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("consents");
        await foreach (var record in db.ConsentRecords.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.OccurredAt).ThenBy(r => r.RecordedAt)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, ConsentRecordDto.From(record), JsonSerializerOptions.Web);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("objectionsAndRestrictions");
        foreach (var mark in await db.ProcessingMarks.AsNoTracking().Where(m => m.MemberId == memberId).OrderBy(m => m.MarkedAt).ToListAsync(cancellationToken))
        {
            JsonSerializer.Serialize(writer, new { Kind = RequestDto.Name(mark.Kind), mark.RequestId, mark.MarkedAt, mark.LiftedAt, mark.LiftReason }, JsonSerializerOptions.Web);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Requests.Where(r => r.MemberId == memberId && (r.Notes != null || r.SubjectContact != null))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Notes, (string?)null).SetProperty(r => r.SubjectContact, (string?)null), cancellationToken);
        await db.ConsentRecords.Where(r => r.MemberId == memberId && (r.IpAddress != null || r.FormId != null))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.IpAddress, (string?)null).SetProperty(r => r.FormId, (string?)null), cancellationToken);
        var requests = db.Requests.Where(r => r.MemberId == memberId).Select(r => r.Id);
        var archives = await db.ExportArchives.Where(a => requests.Contains(a.RequestId) && a.DeletedAt == null).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var archive in archives)
        {
            // Files first: a failed commit leaves the rows for the next run, which finds the files already gone.
            File.Delete(storage.PathOf(archive.FileName));
            (archive.DeletedAt, archive.LinkTokenHash, archive.LinkExpiresAt) = (now, null, null);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureReport(Module,
            ["notes on the member's data subject requests", "evidence of the member's consents (IP addresses, form ids)", "export archives and their download links"], Retained);
    }
}
