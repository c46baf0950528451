using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sync;
using Loyalty.Consent.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.PersonalData;

/// <summary>
/// Tells every connection holding the member that their processing is restricted (Art. 18, 19) or no longer is.
/// The sync itself reads the restriction at each run (<see cref="SyncRunner"/>): it sends none of the member's changes
/// and holds the CRM's changes to their record. Restricting writes, where the connection maps the loyalty field
/// <c>restricted</c>, that one flag to the CRM record (<c>flagged</c>; otherwise <c>paused</c>); lifting queues the held
/// CRM changes and the member's changes for the next run (<c>resumed</c>), which also sets the flag back.
/// </summary>
internal sealed class CrmConnectionsRestriction(ConnectorsDbContext db, ConnectorRuntime runtime, TimeProvider clock) : IRestrictionRecipient
{
    public string Name => "crm connections";

    public async Task<RecipientErasure> RestrictAsync(Guid memberId, bool restricted, CancellationToken cancellationToken)
    {
        var connections = await db.Connections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var setups = await db.SyncSetups.AsNoTracking().ToDictionaryAsync(s => s.ConnectionId, cancellationToken);
        var statuses = new List<string>();
        var failed = false;
        foreach (var connection in connections)
        {
            var link = await db.SyncedRecords.SingleOrDefaultAsync(r => r.ConnectionId == connection.Id && r.MemberId == memberId, cancellationToken);
            if (link is null || !setups.TryGetValue(connection.Id, out var setup))
            {
                statuses.Add($"{connection.Name}: not-held");
                continue;
            }

            try
            {
                statuses.Add($"{connection.Name}: {(restricted ? await FlagAsync(connection, setup, link, cancellationToken) : await ResumeAsync(setup, memberId, cancellationToken))}");
            }
            catch (ConnectorException e)
            {
                failed = true;
                statuses.Add($"{connection.Name}: failed ({e.Kind})");
            }
        }

        var detail = statuses.Count == 0 ? "no connection" : string.Join("; ", statuses);
        return failed
            ? throw new CrmRestrictionFailedException(detail)
            : new RecipientErasure(statuses.Any(s => !s.EndsWith(": not-held", StringComparison.Ordinal)), detail);
    }

    private async Task<string> FlagAsync(Connection connection, SyncSetup setup, SyncedRecord link, CancellationToken cancellationToken)
    {
        var flag = setup.ParsedMappings().FirstOrDefault(m => !m.IsInbound && m.LoyaltyField == LoyaltyFields.Restricted);
        if (flag is null)
        {
            return "paused";
        }

        await using var connector = runtime.Create(connection)
            ?? throw new ConnectorException(ConnectorErrorKind.Configuration, "the connector plugin is not loaded");
        var value = flag.Convert("true");
        await CrmConnectionsErasure.WriteLinkedAsync(connector, setup, link, new Dictionary<string, string?> { [flag.CrmField!] = value }, cancellationToken);
        var values = link.Values();
        values[flag.CrmField!] = value;
        link.LastValues = System.Text.Json.JsonSerializer.Serialize(values);
        await db.SaveChangesAsync(cancellationToken);
        return "flagged";
    }

    private async Task<string> ResumeAsync(SyncSetup setup, Guid memberId, CancellationToken cancellationToken)
    {
        await db.DeadLetters
            .Where(d => d.ConnectionId == setup.ConnectionId && d.MemberId == memberId && d.Status == DeadLetterStatus.Open && d.ErrorCode == InboundSync.Restricted)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeadLetterStatus.Queued), cancellationToken);
        if (setup.ParsedMappings().Any(m => !m.IsInbound))
        {
            var pending = await db.OutboundChanges.SingleOrDefaultAsync(c => c.ConnectionId == setup.ConnectionId && c.MemberId == memberId, cancellationToken);
            OutboundQueue.Enqueue(db, pending, setup.ConnectionId, memberId, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }

        return "resumed";
    }
}

internal sealed class CrmRestrictionFailedException(string detail) : Exception($"restriction failed on a CRM connection: {detail}");
