using Loyalty.Connectors.Contracts;
using Loyalty.Connectors.Persistence;
using Loyalty.Shared.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Sync;

internal sealed class MemberCrmLinks(ConnectorsDbContext db, AuditTrail audit) : IMemberCrmLinks
{
    public async Task<IReadOnlyList<MemberCrmLink>> OfMemberAsync(string programCode, Guid memberId, CancellationToken cancellationToken)
    {
        // Connections are few (an admin makes each one); asking per connection and member uses the tables' keys.
        var connections = await db.Connections.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name, c.ConnectorId }).ToListAsync(cancellationToken);
        var all = connections.Select(c => c.Id).ToList();
        var records = await db.SyncedRecords.AsNoTracking().Where(r => all.Contains(r.ConnectionId) && r.MemberId == memberId).ToListAsync(cancellationToken);
        var waiting = await db.OutboundChanges.AsNoTracking().Where(c => all.Contains(c.ConnectionId) && c.MemberId == memberId).Select(c => c.ConnectionId).ToListAsync(cancellationToken);
        var letters = await db.DeadLetters.AsNoTracking().Where(l => l.MemberId == memberId && l.Status != DeadLetterStatus.Resolved)
            .GroupBy(l => l.ConnectionId).Select(g => new { ConnectionId = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var syncing = await db.SyncSetups.AsNoTracking().Where(s => s.ProgramCode == programCode).Select(s => s.ConnectionId).ToListAsync(cancellationToken);
        var shown = syncing.Concat(records.Select(r => r.ConnectionId)).Concat(waiting).Concat(letters.Select(l => l.ConnectionId)).ToHashSet();
        audit.RecordPersonalDataAccess(db, "connectors.crm-links.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);

        return [.. connections.Where(c => shown.Contains(c.Id)).Select(connection =>
        {
            var record = records.SingleOrDefault(r => r.ConnectionId == connection.Id);
            return new MemberCrmLink(
                connection.Id, connection.Name, connection.ConnectorId, record?.CrmId, record?.SyncedAt, waiting.Contains(connection.Id),
                letters.SingleOrDefault(l => l.ConnectionId == connection.Id)?.Count ?? 0);
        })];
    }
}
