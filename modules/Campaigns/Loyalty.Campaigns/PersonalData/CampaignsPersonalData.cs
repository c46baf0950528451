using System.Text.Json;
using Loyalty.Campaigns.Persistence;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.PersonalData;

/// <summary>
/// Campaigns keeps a member's activities (which activity, when, what it earned) under their Members id; no profile
/// data. On erasure they stay under that id, which then leads to no person, as Members keeps the points ledger they
/// were credited to.
/// </summary>
internal sealed class CampaignsPersonalData(CampaignsDbContext db) : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly RetainedData[] Retained =
    [
        new("Activities (type, time, points, external id of the sender) under the pseudonymous member id",
            "Art. 17(3)(b) and (e): the points they credited are accounting records; caps and idempotency stay correct"),
    ];

    public string Module => CampaignsDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["activity history (surveys, reviews, enrolment, birthday bonuses)"],
        ["crediting points for activities under the program's earning rules", "enforcing the rules' caps"],
        "until erasure; then kept under the pseudonymous member id with the points ledger");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("activities");
        var activities = db.Activities.AsNoTracking().Where(a => a.MemberId == memberId).OrderBy(a => a.OccurredAt).ThenBy(a => a.Id)
            .Select(a => new { a.Program, a.ExternalId, a.Type, a.OccurredAt, a.RecordedAt, a.Points });
        await foreach (var activity in activities.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, activity, Json);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken) =>
        await db.Activities.AnyAsync(a => a.MemberId == memberId, cancellationToken)
            ? new ErasureReport(Module, [], Retained)
            : new ErasureReport(Module, [], []);
}
