using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sync;
using Loyalty.Consent.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.PersonalData;

/// <summary>
/// Tells every connection of the member's CRM records to erase them (Art. 19): the CRM record is deleted or, where
/// the connection says <c>anonymise</c>, its mapped fields are cleared, and the link is dropped. Each connection's
/// outcome is kept, so a repeat after a failure asks only the connections not done yet; the answer's detail lists
/// every connection's status for the GDPR module.
/// </summary>
internal sealed class CrmConnectionsErasure(ConnectorsDbContext db, ConnectorRuntime runtime, TimeProvider clock) : IErasureRecipient
{
    public string Name => "crm connections";

    public async Task<IReadOnlyList<string>> SystemsAsync(CancellationToken cancellationToken) =>
        await db.Connections.AsNoTracking().OrderBy(c => c.Name).Select(c => $"CRM connection {c.Name} ({c.ConnectorId})").ToListAsync(cancellationToken);

    public async Task<RecipientErasure> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var connections = await db.Connections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        var setups = await db.SyncSetups.AsNoTracking().ToDictionaryAsync(s => s.ConnectionId, cancellationToken);
        var statuses = new List<string>();
        var failed = new List<string>();
        foreach (var connection in connections)
        {
            var done = await db.ConnectionErasures.AsNoTracking().SingleOrDefaultAsync(e => e.ConnectionId == connection.Id && e.MemberId == memberId, cancellationToken);
            if (done is null)
            {
                try
                {
                    done = await EraseAsync(connection, setups.GetValueOrDefault(connection.Id), memberId, cancellationToken);
                }
                catch (ConnectorException e)
                {
                    failed.Add(connection.Name);
                    statuses.Add($"{connection.Name}: failed ({e.Kind})");
                    continue;
                }
            }

            statuses.Add($"{connection.Name}: {done.Outcome}");
        }

        var detail = statuses.Count == 0 ? "no connection" : string.Join("; ", statuses);
        if (failed.Count > 0)
        {
            // The step fails and Consent retries it; the connections done are not asked again.
            throw new CrmErasureFailedException(detail);
        }

        return new RecipientErasure(statuses.Any(s => !s.EndsWith(": not-held", StringComparison.Ordinal)), detail);
    }

    private async Task<ConnectionErasure> EraseAsync(Connection connection, SyncSetup? setup, Guid memberId, CancellationToken cancellationToken)
    {
        var link = await db.SyncedRecords.SingleOrDefaultAsync(r => r.ConnectionId == connection.Id && r.MemberId == memberId, cancellationToken);
        var outcome = "not-held";
        if (link is not null && setup is not null)
        {
            await using var connector = runtime.Create(connection)
                ?? throw new ConnectorException(ConnectorErrorKind.Configuration, "the connector plugin is not loaded");
            if (setup.ErasureMode == SyncSetupRequest.Anonymise)
            {
                var cleared = setup.ParsedMappings().Select(m => m.CrmField!).Where(f => f != setup.ExternalIdField).Distinct().ToDictionary(f => f, _ => (string?)null);
                await WriteLinkedAsync(connector, setup, link, cleared, cancellationToken);
                outcome = "anonymised";
            }
            else
            {
                var deleted = ThrowIfFailed((await connector.DeleteAsync(new DeleteRequest(setup.ObjectName, [link.CrmId]), cancellationToken))[0]);
                outcome = deleted.Outcome == RecordOutcome.NotFound ? "not-held" : "deleted";
            }
        }

        if (link is not null)
        {
            db.SyncedRecords.Remove(link);
        }

        await db.OutboundChanges.Where(c => c.ConnectionId == connection.Id && c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        var erasure = new ConnectionErasure { ConnectionId = connection.Id, MemberId = memberId, Outcome = outcome, Detail = outcome, At = clock.GetUtcNow() };
        db.ConnectionErasures.Add(erasure);
        await db.SaveChangesAsync(cancellationToken);
        return erasure;
    }

    /// <summary>Updates the member's linked CRM record with <paramref name="values"/>; a failed write is a <see cref="ConnectorException"/>.</summary>
    public static async Task<RecordResult> WriteLinkedAsync(
        IConnector connector, SyncSetup setup, SyncedRecord link, Dictionary<string, string?> values, CancellationToken cancellationToken)
    {
        var memberKey = link.MemberId.ToString();
        // A record that came from the CRM and was never written back does not hold the member id yet: an upsert
        // by the external id would create a second record instead of changing this one.
        var byRecordId = link.Values().GetValueOrDefault(setup.ExternalIdField) != memberKey;
        var upsert = new RecordUpsert(byRecordId ? link.CrmId : memberKey, values);
        return ThrowIfFailed((await connector.WriteAsync(new WriteRequest(setup.ObjectName, byRecordId ? setup.RecordIdField : setup.ExternalIdField, [upsert]), cancellationToken))[0]);
    }

    private static RecordResult ThrowIfFailed(RecordResult result) => result.Outcome == RecordOutcome.Failed
        ? throw new ConnectorException(result.Error!.IsTransient ? ConnectorErrorKind.Transient : ConnectorErrorKind.Permanent, result.Error.Code)
        : result;
}

internal sealed class CrmErasureFailedException(string detail) : Exception($"erasure failed on a CRM connection: {detail}");
