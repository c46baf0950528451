using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Reminders;

/// <summary>
/// A reminder emailed to the DPO about one request at one stage for one due date: its row is what keeps the job from
/// sending it again, across runs, restarts and nodes. An extension moves the due date and so arms the stages again.
/// </summary>
internal sealed class DpoReminder
{
    public const string DueSoon = "due-soon";

    public const string Overdue = "overdue";

    public Guid RequestId { get; init; }

    public required string Stage { get; init; }

    public DateOnly DueOn { get; init; }

    public DateTimeOffset SentAt { get; init; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<DpoReminder>(reminder =>
    {
        reminder.ToTable("DpoReminders");
        reminder.HasKey(r => new { r.RequestId, r.Stage, r.DueOn });
        reminder.Property(r => r.Stage).HasMaxLength(20);
    });
}
