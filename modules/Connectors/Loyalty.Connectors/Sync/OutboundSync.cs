using System.Globalization;
using System.Text.Json;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Sync;

/// <summary>
/// Sends the queued members of a connection in batches, upserting by the member id: only the mapped fields whose
/// value differs from what the CRM was last known to hold, so a change the inbound sync applied is not sent back.
/// A batch's links and dequeues commit together after the CRM answered; a crash before that sends the batch again,
/// which the upsert by external id makes harmless.
/// </summary>
internal sealed class OutboundSync(ConnectorsDbContext db, IMemberSync members, IConsentGate consent, TimeProvider clock)
{
    public const int BatchSize = 200;

    /// <summary>Sends one batch; false when nothing left the queue (empty, or only records failing transiently).</summary>
    /// <param name="restricted">Members whose processing is restricted: their changes stay queued until the restriction is lifted.</param>
    public async Task<bool> SendBatchAsync(
        IConnector connector, SyncSetup setup, SyncRun run, IReadOnlyList<FieldMapping> mappings, Guid[] restricted, CallBudget budget, CancellationToken cancellationToken)
    {
        var outbound = mappings.Where(m => !m.IsInbound).ToList();
        var queued = await db.OutboundChanges.AsNoTracking().Where(c => c.ConnectionId == setup.ConnectionId && !restricted.Contains(c.MemberId))
            .OrderBy(c => c.ChangedAt).ThenBy(c => c.MemberId).Take(BatchSize).ToListAsync(cancellationToken);
        if (queued.Count == 0)
        {
            return false;
        }

        var upserts = new List<Upsert>();
        var done = new List<OutboundChange>();
        foreach (var change in queued)
        {
            var member = await members.FindAsync(change.MemberId, cancellationToken);
            var link = await db.SyncedRecords.SingleOrDefaultAsync(r => r.ConnectionId == setup.ConnectionId && r.MemberId == change.MemberId, cancellationToken);
            if (member is null || member.ProgramId != setup.ProgramId || member.Fields[SyncedMemberFields.Status] is "Erased" or "Merged")
            {
                done.Add(change);
                run.SendSkipped++;
                continue;
            }

            var memberKey = change.MemberId.ToString();
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var mapping in outbound)
            {
                values[mapping.CrmField!] = mapping.Convert(await LoyaltyValueAsync(member, mapping.LoyaltyField!, cancellationToken));
            }

            var last = link?.Values();
            // A record that came from the CRM gets the member id first, written by its own record id.
            var byRecordId = link is not null && last!.GetValueOrDefault(setup.ExternalIdField) != memberKey;
            if (byRecordId)
            {
                values[setup.ExternalIdField] = memberKey;
            }

            var changed = values.Where(v => last is null || !last.TryGetValue(v.Key, out var seen) || seen != v.Value).ToDictionary(StringComparer.Ordinal);
            if (changed.Count == 0)
            {
                done.Add(change);
                run.SendSkipped++;
                continue;
            }

            upserts.Add(new Upsert(change, link, changed, byRecordId, new RecordUpsert(byRecordId ? link!.CrmId : memberKey, changed)));
        }

        var results = new Dictionary<Upsert, RecordResult>();
        var groups = upserts.GroupBy(u => u.ByRecordId).ToList();
        // The whole batch's calls at once: a budget spent half-way would send half of it again next time.
        budget.Take(groups.Count);
        foreach (var group in groups)
        {
            var batch = group.ToList();
            var answers = await connector.WriteAsync(new WriteRequest(setup.ObjectName, group.Key ? setup.RecordIdField : setup.ExternalIdField, [.. batch.Select(u => u.Record)]), cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                results[batch[i]] = i < answers.Count ? answers[i] : RecordResult.Failed(batch[i].Record.ExternalId, new RecordError("NO_RESULT", "the connector answered fewer results than records", IsTransient: true));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var upsert in upserts)
        {
            var (change, link, values) = (upsert.Change, upsert.Link, upsert.Values);
            var result = results[upsert];
            if (result.Outcome is RecordOutcome.Created or RecordOutcome.Updated)
            {
                run.Sent++;
                if (link is null)
                {
                    db.SyncedRecords.Add(new SyncedRecord
                    {
                        ConnectionId = setup.ConnectionId, MemberId = change.MemberId, CrmId = result.Id ?? change.MemberId.ToString(),
                        LastValues = JsonSerializer.Serialize(values.Append(new(setup.ExternalIdField, change.MemberId.ToString())).DistinctBy(v => v.Key).ToDictionary()),
                        SyncedAt = clock.GetUtcNow(),
                    });
                }
                else
                {
                    var merged = link.Values();
                    foreach (var (field, value) in values)
                    {
                        merged[field] = value;
                    }

                    (link.LastValues, link.SyncedAt) = (JsonSerializer.Serialize(merged), clock.GetUtcNow());
                    link.CrmId = result.Id ?? link.CrmId;
                }

                done.Add(change);
                continue;
            }

            run.SendFailed++;
            var error = result.Error ?? new RecordError("UNKNOWN", "the connector gave no reason");
            if (!error.IsTransient)
            {
                // A transient failure stays queued for the next run; anything else waits for an admin.
                await DeadLetters.AddAsync(db, clock, setup.ConnectionId, run.Id, SyncDirections.Outbound, change.MemberId.ToString(), change.MemberId, DeadLetters.NoPayload, error.Code, error.Message, cancellationToken);
                done.Add(change);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var change in done)
        {
            // Only if no event changed the member while the batch was out; otherwise it goes again.
            await db.OutboundChanges.Where(c => c.ConnectionId == change.ConnectionId && c.MemberId == change.MemberId && c.Version == change.Version)
                .ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return done.Count > 0;
    }

    private sealed record Upsert(OutboundChange Change, SyncedRecord? Link, Dictionary<string, string?> Values, bool ByRecordId, RecordUpsert Record);

    // Restricted members are not sent, so whoever is sent is not restricted.
    private async Task<string?> LoyaltyValueAsync(SyncedMember member, string field, CancellationToken cancellationToken) =>
        field == LoyaltyFields.Restricted ? "false"
        : field.StartsWith(LoyaltyFields.ConsentPrefix, StringComparison.Ordinal)
            ? (await consent.MayContactAsync(member.MemberId, field[LoyaltyFields.ConsentPrefix.Length..], ConsentChannels.Email, cancellationToken)).ToString(CultureInfo.InvariantCulture).ToLowerInvariant()
            : member.Fields.GetValueOrDefault(field);
}
