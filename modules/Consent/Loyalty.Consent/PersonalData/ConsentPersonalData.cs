using System.Text.Json;
using Loyalty.Consent.Persistence;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.PersonalData;

/// <summary>The member's data subject requests: exported; on erasure the free-text notes go, the records stay as proof.</summary>
internal sealed class ConsentPersonalData(ConsentDbContext db) : IPersonalDataProvider
{
    private static readonly RetainedData[] Retained =
    [
        new("Data subject requests: type, dates, status, how identity was checked, under the pseudonymous member id",
            "Art. 5(2) and 17(3)(e): proof that the request was answered in time, for the supervisory authority"),
        new("Keyed hashes of the member's email, phone and external ids on the suppression list",
            "Art. 17(3)(b) and 21: keeps the erased person from being enrolled or imported again; the hashes name nobody without the secret"),
    ];

    public string Module => ConsentDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["data subject requests (type, dates, status, notes)"],
        ["answering data subject requests within the legal deadline", "proving that they were answered"],
        "request records for as long as they may be asked about; notes until erasure");

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
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await db.Requests.Where(r => r.MemberId == memberId && (r.Notes != null || r.SubjectContact != null))
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.Notes, (string?)null).SetProperty(r => r.SubjectContact, (string?)null), cancellationToken);
        return new ErasureReport(Module, ["notes on the member's data subject requests"], Retained);
    }
}
