using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Sync;

/// <summary>How a connection synchronises: which program and CRM object, the field mappings, the schedule and where inbound reading stands.</summary>
internal sealed class SyncSetup
{
    /// <summary>The connection's id: one setup per connection.</summary>
    public Guid ConnectionId { get; init; }

    public required string ProgramCode { get; set; }

    public Guid ProgramId { get; set; }

    public required string ObjectName { get; set; }

    /// <summary>The CRM field that holds the member id, the key of outbound upserts.</summary>
    public required string ExternalIdField { get; set; }

    /// <summary>
    /// The CRM field holding the record's own id that can key an upsert (<c>Id</c>): a record that came from the CRM
    /// does not carry the member id yet, so its first outbound write goes by this key and sets the member id.
    /// </summary>
    public required string RecordIdField { get; set; }

    public required string Mappings { get; set; }

    public int IntervalMinutes { get; set; }

    public int LookBackSeconds { get; set; }

    public int PageSize { get; set; }

    /// <summary>At most this many connector calls (pages read, batches written) per hour across the connection's runs; null: no budget.</summary>
    public int? CallsPerHour { get; set; }

    /// <summary><c>delete</c> or <c>anonymise</c> the CRM record when the member is erased.</summary>
    public required string ErasureMode { get; set; }

    /// <summary>The connector's cursor after the last applied inbound page; null until the first full load finished a page.</summary>
    public string? Cursor { get; set; }

    public DateTimeOffset? NextRunAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<FieldMapping> ParsedMappings() => JsonSerializer.Deserialize<List<FieldMapping>>(Mappings, JsonSerializerOptions.Web) ?? [];

    // Double-quoted identifiers read the same in SQLite, PostgreSQL and SQL Server (QUOTED_IDENTIFIER is on, as filtered indexes require).
    private const string UnfinishedFilter = "\"Status\" IN ('Queued', 'Running')";

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SyncSetup>(setup =>
        {
            setup.ToTable("SyncSetups");
            setup.HasKey(s => s.ConnectionId);
            setup.Property(s => s.ProgramCode).HasMaxLength(50);
            setup.Property(s => s.ObjectName).HasMaxLength(200);
            setup.Property(s => s.ExternalIdField).HasMaxLength(200);
            setup.Property(s => s.RecordIdField).HasMaxLength(200);
            setup.Property(s => s.ErasureMode).HasMaxLength(20);
        });
        modelBuilder.Entity<SyncRun>(run =>
        {
            run.ToTable("SyncRuns");
            run.HasKey(r => r.Id);
            run.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            run.Property(r => r.Trigger).HasMaxLength(20);
            run.Property(r => r.Error).HasMaxLength(1000);
            run.HasIndex(r => new { r.ConnectionId, r.Status });
            // At most one unfinished run per connection, whichever node or trigger queues it: the database refuses a second.
            run.HasIndex(r => r.ConnectionId).IsUnique().HasFilter(UnfinishedFilter).HasDatabaseName("IX_SyncRuns_ConnectionId_Unfinished");
        });
        modelBuilder.Entity<SyncedRecord>(record =>
        {
            record.ToTable("SyncedRecords");
            record.HasKey(r => new { r.ConnectionId, r.MemberId });
            record.Property(r => r.CrmId).HasMaxLength(200);
            record.HasIndex(r => new { r.ConnectionId, r.CrmId }).IsUnique();
            // Erasure and export find a member's records in every connection.
            record.HasIndex(r => r.MemberId);
        });
        modelBuilder.Entity<OutboundChange>(change =>
        {
            change.ToTable("OutboundChanges");
            change.HasKey(c => new { c.ConnectionId, c.MemberId });
            change.HasIndex(c => new { c.ConnectionId, c.ChangedAt });
        });
        modelBuilder.Entity<DeadLetter>(letter =>
        {
            letter.ToTable("DeadLetters");
            letter.HasKey(d => d.Id);
            letter.Property(d => d.Direction).HasMaxLength(10);
            letter.Property(d => d.RecordKey).HasMaxLength(200);
            letter.Property(d => d.ErrorCode).HasMaxLength(100);
            letter.Property(d => d.ErrorMessage).HasMaxLength(1000);
            letter.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            letter.HasIndex(d => new { d.ConnectionId, d.Status });
            letter.HasIndex(d => new { d.ConnectionId, d.Direction, d.RecordKey });
            letter.HasIndex(d => d.MemberId);
        });
        modelBuilder.Entity<SyncConflict>(conflict =>
        {
            conflict.ToTable("SyncConflicts");
            conflict.HasKey(c => c.Id);
            conflict.Property(c => c.LoyaltyField).HasMaxLength(100);
            conflict.Property(c => c.CrmField).HasMaxLength(200);
            conflict.Property(c => c.Policy).HasMaxLength(30);
            conflict.Property(c => c.Winner).HasMaxLength(10);
            conflict.HasIndex(c => c.RunId);
            conflict.HasIndex(c => c.MemberId);
        });
        modelBuilder.Entity<ConnectionErasure>(erasure =>
        {
            erasure.ToTable("ConnectionErasures");
            erasure.HasKey(e => new { e.ConnectionId, e.MemberId });
            erasure.Property(e => e.Outcome).HasMaxLength(20);
            erasure.Property(e => e.Detail).HasMaxLength(500);
        });
    }
}

internal enum SyncRunStatus
{
    Queued,
    Running,
    Completed,

    /// <summary>The CRM's rate limit stopped the run; the cursor is kept and the next run resumes from it.</summary>
    Stopped,
    Failed,
}

/// <summary>One sync of a connection: inbound pages, then the queued outbound changes; its counts are the run's progress.</summary>
internal sealed class SyncRun
{
    public Guid Id { get; init; }

    public Guid ConnectionId { get; init; }

    /// <summary><c>schedule</c> or <c>manual</c>.</summary>
    public required string Trigger { get; init; }

    public SyncRunStatus Status { get; set; }

    public DateTimeOffset QueuedAt { get; init; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>A node's claim on a running run; a run whose claim ran out (its node died) is taken over and resumes from the cursor.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public bool FullLoad { get; set; }

    public int Pages { get; set; }

    /// <summary>The connector calls the run made (pages read and batches written, each attempt): what it spent of <see cref="SyncSetup.CallsPerHour"/>.</summary>
    public int Calls { get; set; }

    public long Read { get; set; }

    public long Created { get; set; }

    public long Updated { get; set; }

    public long Skipped { get; set; }

    public long Failed { get; set; }

    public long Conflicts { get; set; }

    public long Sent { get; set; }

    public long SendSkipped { get; set; }

    public long SendFailed { get; set; }

    public string? Error { get; set; }
}

/// <summary>
/// The link between a member and its CRM record on one connection, with the CRM values last read or written: a
/// value that comes back unchanged is not applied again (loop prevention) and a field whose CRM value moved on while
/// the member's did too is a conflict.
/// </summary>
internal sealed class SyncedRecord
{
    public Guid ConnectionId { get; init; }

    public Guid MemberId { get; init; }

    public required string CrmId { get; set; }

    /// <summary>JSON object: CRM field → value.</summary>
    public required string LastValues { get; set; }

    public DateTimeOffset SyncedAt { get; set; }

    public Dictionary<string, string?> Values() => JsonSerializer.Deserialize<Dictionary<string, string?>>(LastValues) ?? [];
}

/// <summary>A member to send to the CRM, coalesced: one row per member and connection however many events came.</summary>
internal sealed class OutboundChange
{
    public Guid ConnectionId { get; init; }

    public Guid MemberId { get; init; }

    /// <summary>When the loyalty side last changed the member: most-recent-wins compares it with the CRM's time.</summary>
    public DateTimeOffset ChangedAt { get; set; }

    /// <summary>New on every change, so a send removes the row only if nothing changed while it was being sent.</summary>
    public Guid Version { get; set; }
}

internal enum DeadLetterStatus
{
    Open,

    /// <summary>An admin asked for a retry; the next run takes it.</summary>
    Queued,
    Resolved,

    /// <summary>An admin discarded it: its record data is deleted, the CRM keeps the record and its next change is read again.</summary>
    Discarded,
}

/// <summary>A record the sync could not apply or send; its payload holds the values, for the admin and for a retry.</summary>
internal sealed class DeadLetter
{
    public Guid Id { get; init; }

    public Guid ConnectionId { get; init; }

    public Guid RunId { get; set; }

    public required string Direction { get; init; }

    /// <summary>The CRM record id (inbound) or the member id (outbound).</summary>
    public required string RecordKey { get; init; }

    public Guid? MemberId { get; set; }

    /// <summary>Inbound: the CRM record as read (JSON); outbound: empty, the retry reads the member again.</summary>
    public required string Payload { get; set; }

    public required string ErrorCode { get; set; }

    public required string ErrorMessage { get; set; }

    public int Attempts { get; set; }

    public DeadLetterStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A field both sides changed since the last sync, and how the policy resolved it, with both values (never logged).</summary>
internal sealed class SyncConflict
{
    public Guid Id { get; init; }

    public Guid RunId { get; init; }

    public Guid ConnectionId { get; init; }

    public Guid MemberId { get; init; }

    public required string LoyaltyField { get; init; }

    public required string CrmField { get; init; }

    public string? LoyaltyValue { get; set; }

    public string? CrmValue { get; set; }

    public required string Policy { get; init; }

    /// <summary><c>crm</c> or <c>loyalty</c>.</summary>
    public required string Winner { get; init; }

    public DateTimeOffset At { get; init; }
}

/// <summary>What became of a member's erasure on one connection, so a repeated erasure does not ask the CRM again.</summary>
internal sealed class ConnectionErasure
{
    public Guid ConnectionId { get; init; }

    public Guid MemberId { get; init; }

    /// <summary><c>deleted</c>, <c>anonymised</c> or <c>not-held</c>.</summary>
    public required string Outcome { get; init; }

    public required string Detail { get; init; }

    public DateTimeOffset At { get; init; }
}
