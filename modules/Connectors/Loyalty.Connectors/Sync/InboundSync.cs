using System.Text.Json;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Members.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Sync;

/// <summary>
/// Applies CRM records to members, one page at a time: each record through Members (which commits it on its own,
/// idempotently), then the page's links, conflicts, dead letters, counts and the cursor in one transaction of
/// Connectors. A crash between the two re-reads the page and Members answers the repeated records as unchanged.
/// </summary>
internal sealed class InboundSync(ConnectorsDbContext db, IMemberSync members, TimeProvider clock)
{
    public const string InvalidRecord = "INVALID_RECORD";

    /// <summary>The dead-letter code of a record held while its member's processing is restricted (Art. 18).</summary>
    public const string Restricted = "RESTRICTED";

    /// <summary>
    /// Applies one record and counts it; why it was not applied when it goes to the dead-letter list (Members refused it,
    /// or its member is restricted and it waits for the lift), otherwise null.
    /// </summary>
    /// <param name="restricted">Members whose processing is restricted: a record linked to one, or carrying their id, is held, not applied.</param>
    public async Task<NotApplied?> ApplyAsync(
        SyncSetup setup, SyncRun run, RecordChange record, IReadOnlyList<FieldMapping> mappings, IReadOnlySet<Guid> restricted, CancellationToken cancellationToken)
    {
        run.Read++;
        var link = await db.SyncedRecords.SingleOrDefaultAsync(r => r.ConnectionId == setup.ConnectionId && r.CrmId == record.Id, cancellationToken);
        if (record.IsDeleted)
        {
            // A record deleted in the CRM unlinks its member; the member stays, erasure is the person's request, not the CRM's.
            if (link is not null)
            {
                db.SyncedRecords.Remove(link);
            }

            run.Skipped++;
            return null;
        }

        var inbound = mappings.Where(m => m.IsInbound).ToList();
        var crmValues = inbound.Select(m => m.CrmField!).Append(setup.ExternalIdField).Distinct().ToDictionary(f => f, f => record.Fields.GetValueOrDefault(f), StringComparer.Ordinal);
        var last = link?.Values();
        if (last is not null && crmValues.All(v => last.TryGetValue(v.Key, out var seen) && seen == v.Value))
        {
            // Already applied, or the echo of our own outbound write.
            run.Skipped++;
            return null;
        }

        var memberId = link?.MemberId ?? (record.Fields.GetValueOrDefault(setup.ExternalIdField) is { } key && Guid.TryParse(key, out var id) ? id : null);
        if (memberId is { } held && restricted.Contains(held))
        {
            run.Skipped++;
            return new NotApplied(Restricted, "held while the member's processing is restricted (GDPR Art. 18); applied once the restriction is lifted", held);
        }

        var member = memberId is { } known && await members.FindAsync(known, cancellationToken) is { } found && found.ProgramId == setup.ProgramId ? found : null;
        var pending = member is null ? null : await db.OutboundChanges.SingleOrDefaultAsync(c => c.ConnectionId == setup.ConnectionId && c.MemberId == member.MemberId, cancellationToken);
        var apply = new Dictionary<string, string?>(StringComparer.Ordinal);
        var loyaltyKept = false;
        foreach (var mapping in inbound)
        {
            var crmValue = crmValues[mapping.CrmField!];
            string? lastCrm = null;
            if (last is not null && last.TryGetValue(mapping.CrmField!, out lastCrm) && lastCrm == crmValue)
            {
                continue;
            }

            var value = mapping.Convert(crmValue);
            if (member is not null)
            {
                var current = member.Fields.GetValueOrDefault(mapping.LoyaltyField!);
                var loyaltyChanged = last is null ? current is not null : current != mapping.Convert(lastCrm);
                if (loyaltyChanged && current != value)
                {
                    var crmWins = mapping.Policy switch
                    {
                        ConflictPolicies.LoyaltyWins => false,
                        ConflictPolicies.CrmWinsUnlessBlank => !string.IsNullOrWhiteSpace(value),
                        ConflictPolicies.MostRecentWins => pending is null || record.ModifiedAt is null || record.ModifiedAt >= pending.ChangedAt,
                        _ => true,
                    };
                    run.Conflicts++;
                    db.SyncConflicts.Add(new SyncConflict
                    {
                        Id = Guid.CreateVersion7(clock.GetUtcNow()), RunId = run.Id, ConnectionId = setup.ConnectionId, MemberId = member.MemberId,
                        LoyaltyField = mapping.LoyaltyField!, CrmField = mapping.CrmField!, LoyaltyValue = current, CrmValue = crmValue,
                        Policy = mapping.Policy, Winner = crmWins ? "crm" : "loyalty", At = clock.GetUtcNow(),
                    });
                    if (!crmWins)
                    {
                        loyaltyKept = true;
                        continue;
                    }
                }
            }

            apply[mapping.LoyaltyField!] = value;
        }

        var outcome = await members.ApplyAsync(new CrmMemberChange(setup.ProgramCode, member?.MemberId ?? memberId, record.Id, apply), cancellationToken);
        switch (outcome.Result)
        {
            case CrmMemberResult.Created:
                run.Created++;
                break;
            case CrmMemberResult.Updated:
                run.Updated++;
                break;
            case CrmMemberResult.Unchanged or CrmMemberResult.Suppressed or CrmMemberResult.Gone:
                run.Skipped++;
                break;
            default:
                run.Failed++;
                return new NotApplied(InvalidRecord, outcome.Error ?? "invalid", member?.MemberId ?? memberId);
        }

        if (outcome.MemberId is not { } linked)
        {
            return null;
        }

        if (link is null)
        {
            // A member linked to another CRM record of this connection before keeps one link: the newest record's.
            var previous = await db.SyncedRecords.SingleOrDefaultAsync(r => r.ConnectionId == setup.ConnectionId && r.MemberId == linked, cancellationToken);
            if (previous is not null)
            {
                db.SyncedRecords.Remove(previous);
                await db.SaveChangesAsync(cancellationToken);
            }

            link = new SyncedRecord { ConnectionId = setup.ConnectionId, MemberId = linked, CrmId = record.Id, LastValues = "{}" };
            db.SyncedRecords.Add(link);
        }

        var values = link.Values();
        foreach (var (field, value) in crmValues)
        {
            values[field] = value;
        }

        (link.LastValues, link.SyncedAt) = (JsonSerializer.Serialize(values), clock.GetUtcNow());
        if (loyaltyKept)
        {
            OutboundQueue.Enqueue(db, pending, setup.ConnectionId, linked, clock.GetUtcNow());
        }

        return null;
    }
}

/// <param name="MemberId">The member the record belongs to, when known (so the member's erasure finds the letter).</param>
internal sealed record NotApplied(string Code, string Message, Guid? MemberId);

internal static class DeadLetters
{
    /// <summary>The payload of a letter that needs none: outbound (the retry reads the member again), resolved or discarded.</summary>
    public const string NoPayload = "{}";

    /// <summary>Adds the failure, or updates the record's open letter: a record read again (look-back) and failing again is one letter.</summary>
    public static async Task AddAsync(
        ConnectorsDbContext db, TimeProvider clock, Guid connectionId, Guid runId, string direction, string key, Guid? memberId, string payload, string code, string message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        message = message.Length > 1000 ? message[..1000] : message;
        var open = await db.DeadLetters.SingleOrDefaultAsync(
            d => d.ConnectionId == connectionId && d.Direction == direction && d.RecordKey == key && d.Status == DeadLetterStatus.Open, cancellationToken);
        if (open is not null)
        {
            (open.RunId, open.MemberId, open.Payload, open.ErrorCode, open.ErrorMessage, open.Attempts, open.UpdatedAt) =
                (runId, memberId ?? open.MemberId, payload, code, message, open.Attempts + 1, now);
            return;
        }

        db.DeadLetters.Add(new DeadLetter
        {
            Id = Guid.CreateVersion7(now), ConnectionId = connectionId, RunId = runId, Direction = direction, RecordKey = key, MemberId = memberId,
            Payload = payload, ErrorCode = code, ErrorMessage = message, Attempts = 1,
            Status = DeadLetterStatus.Open, CreatedAt = now, UpdatedAt = now,
        });
    }
}

internal static class OutboundQueue
{
    /// <summary>Adds or refreshes the member's one queued change: coalescing per member and connection.</summary>
    public static void Enqueue(ConnectorsDbContext db, OutboundChange? existing, Guid connectionId, Guid memberId, DateTimeOffset changedAt)
    {
        if (existing is null)
        {
            db.OutboundChanges.Add(new OutboundChange { ConnectionId = connectionId, MemberId = memberId, ChangedAt = changedAt, Version = Guid.NewGuid() });
        }
        else
        {
            (existing.ChangedAt, existing.Version) = (changedAt > existing.ChangedAt ? changedAt : existing.ChangedAt, Guid.NewGuid());
        }
    }
}
