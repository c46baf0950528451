using System.Text.Json;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sync;
using Loyalty.Shared.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.PersonalData;

/// <summary>
/// Connectors keeps, per connection, the link from a member to its CRM record with the CRM values last seen, the
/// conflicts resolved (both values) and the dead letters (the record as read). Erasure deletes conflicts and dead
/// letters and clears the last values; the link itself (a CRM record id) stays until <see cref="CrmConnectionsErasure"/>,
/// which runs after the modules, has told the CRM, and then goes too.
/// </summary>
internal sealed class ConnectorsPersonalData(ConnectorsDbContext db) : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Module => ConnectorsDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["the member's CRM record id and the CRM field values last synchronised, per connection", "sync conflicts with both values", "records the sync could not apply (dead letters)"],
        ["keeping the member and the CRM record consistent both ways without sending changes back and forth", "showing admins conflicts and failed records"],
        "until erasure; the CRM record id until the CRM was told to erase the record");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("crmRecords");
        JsonSerializer.Serialize(writer, await db.SyncedRecords.AsNoTracking().Where(r => r.MemberId == memberId)
            .Select(r => new { r.ConnectionId, r.CrmId, r.LastValues, r.SyncedAt }).ToListAsync(cancellationToken), Json);
        writer.WritePropertyName("conflicts");
        JsonSerializer.Serialize(writer, await db.SyncConflicts.AsNoTracking().Where(c => c.MemberId == memberId).OrderBy(c => c.At)
            .Select(c => new { c.ConnectionId, c.LoyaltyField, c.CrmField, c.LoyaltyValue, c.CrmValue, c.Policy, c.Winner, c.At }).ToListAsync(cancellationToken), Json);
        writer.WritePropertyName("deadLetters");
        JsonSerializer.Serialize(writer, await DeadLettersOf(memberId).AsNoTracking().OrderBy(d => d.CreatedAt)
            .Select(d => new { d.ConnectionId, d.Direction, d.Payload, d.ErrorCode, d.CreatedAt }).ToListAsync(cancellationToken), Json);
        writer.WriteEndObject();
    }

    /// <summary>
    /// The member's dead letters: those kept under their id, and inbound ones of a CRM record that failed before it was
    /// linked to them (a contact first refused, later corrected and linked), found through the record's link.
    /// </summary>
    private IQueryable<DeadLetter> DeadLettersOf(Guid memberId) => db.DeadLetters.Where(d => d.MemberId == memberId
        || (d.MemberId == null && d.Direction == SyncDirections.Inbound
            && db.SyncedRecords.Any(r => r.MemberId == memberId && r.ConnectionId == d.ConnectionId && r.CrmId == d.RecordKey)));

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SyncConflicts.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await DeadLettersOf(memberId).ExecuteDeleteAsync(cancellationToken);
        await db.SyncedRecords.Where(r => r.MemberId == memberId).ExecuteUpdateAsync(u => u.SetProperty(r => r.LastValues, "{}"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureReport(Module, ["sync conflicts", "dead letters", "CRM values last synchronised"],
            [new("the CRM record id per connection, until the CRM was told (recipient step)", "Art. 19: the CRM must be told which record to erase")]);
    }
}
