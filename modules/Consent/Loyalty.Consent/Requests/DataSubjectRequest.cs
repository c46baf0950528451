using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Requests;

internal enum RequestType
{
    Access,
    Portability,
    Erasure,
    Rectification,
    Restriction,
    Objection,
}

internal enum RequestStatus
{
    Received,
    InProgress,
    Waiting,
    Completed,
    Rejected,
}

/// <summary>A data subject request (GDPR Art. 12, 15–21), from its receipt to its answer.</summary>
internal sealed class DataSubjectRequest
{
    public Guid Id { get; init; }

    public RequestType Type { get; init; }

    /// <summary>The member the request is about, once known.</summary>
    public Guid? MemberId { get; set; }

    /// <summary>
    /// The email or phone the request came from while it matches no member yet; cleared when the subject is matched,
    /// since from then on the member id says who it is.
    /// </summary>
    public string? SubjectContact { get; set; }

    /// <summary>How the requester's identity was checked, in words (<c>signed in to the shop account</c>).</summary>
    public required string Verification { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The last day of the answer period (Art. 12(3)), see <see cref="RequestDeadlines"/>.</summary>
    public DateOnly DueOn { get; init; }

    public DateOnly? ExtendedDueOn { get; set; }

    public string? ExtensionReason { get; set; }

    public RequestStatus Status { get; set; }

    public string? RejectionReason { get; set; }

    public string? Assignee { get; set; }

    public string? Notes { get; set; }

    /// <summary>The admin or API key that filed it.</summary>
    public required string FiledBy { get; init; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Set once the member's identifiers are on the suppression list, before any module erases them.</summary>
    public DateTimeOffset? SuppressedAt { get; set; }

    /// <summary>True while an export or erasure has work left for the job to retry.</summary>
    public bool WorkPending { get; set; }

    /// <summary>A node running the request's export or erasure holds it until then.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public DateOnly EffectiveDueOn => ExtendedDueOn ?? DueOn;

    public bool IsOpen => Status is not (RequestStatus.Completed or RequestStatus.Rejected);

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<DataSubjectRequest>(request =>
    {
        request.ToTable("Requests");
        request.HasKey(r => r.Id);
        request.Property(r => r.Type).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.SubjectContact).HasMaxLength(320);
        request.Property(r => r.Verification).HasMaxLength(500);
        request.Property(r => r.ExtensionReason).HasMaxLength(2000);
        request.Property(r => r.RejectionReason).HasMaxLength(2000);
        request.Property(r => r.Assignee).HasMaxLength(200);
        request.Property(r => r.Notes).HasMaxLength(8000);
        request.Property(r => r.FiledBy).HasMaxLength(200);
        request.Ignore(r => r.EffectiveDueOn);
        request.Ignore(r => r.IsOpen);
        request.HasIndex(r => new { r.MemberId, r.Type });
        request.HasIndex(r => r.DueOn);
        request.HasIndex(r => r.WorkPending);
        request.HasMany<RequestStep>().WithOne().HasForeignKey(s => s.RequestId);
    });
}

internal enum StepKind
{
    /// <summary>A module's part of an export.</summary>
    Export,

    /// <summary>A module's erasure.</summary>
    Erasure,

    /// <summary>Telling a recipient of the data of the erasure (Art. 19).</summary>
    Recipient,
}

internal enum StepStatus
{
    Pending,
    Done,
    Failed,
    NotApplicable,
}

/// <summary>One module's or recipient's part of an export or erasure, and its outcome.</summary>
internal sealed class RequestStep
{
    public Guid Id { get; init; }

    public Guid RequestId { get; init; }

    public StepKind Kind { get; init; }

    /// <summary>The module (<c>members</c>) or the recipient's name.</summary>
    public required string Name { get; init; }

    public StepStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>The kind of failure of the last attempt (an exception type, never its message, which may quote data).</summary>
    public string? Error { get; set; }

    /// <summary>JSON: the module's erasure report, or the recipient's answer.</summary>
    public string? Report { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<RequestStep>(step =>
    {
        step.ToTable("RequestSteps");
        step.HasKey(s => s.Id);
        step.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        step.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        step.Property(s => s.Name).HasMaxLength(200);
        step.Property(s => s.Error).HasMaxLength(500);
        step.HasIndex(s => new { s.RequestId, s.Kind, s.Name }).IsUnique();
    });
}
