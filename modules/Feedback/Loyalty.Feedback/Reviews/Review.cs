using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Reviews;

internal enum ReviewStatus
{
    Pending,
    Approved,
    Rejected,
}

/// <summary>A member's review of a product (by SKU) or a store (by code), idempotent on the sender's external id.</summary>
internal sealed class Review
{
    public const int MaxTextLength = 5000;

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public Guid ProgramId { get; init; }

    public required string ExternalId { get; init; }

    public Guid MemberId { get; init; }

    /// <summary><c>product</c> or <c>store</c>.</summary>
    public required string SubjectType { get; init; }

    public required string SubjectId { get; init; }

    public int Rating { get; init; }

    public string? Text { get; set; }

    public ReviewStatus Status { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset SubmittedAt { get; init; }

    public DateTimeOffset? ModeratedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Review>(review =>
    {
        review.ToTable("Reviews");
        review.HasKey(r => r.Id);
        review.Property(r => r.Program).HasMaxLength(50);
        review.Property(r => r.ExternalId).HasMaxLength(100);
        review.Property(r => r.SubjectType).HasMaxLength(20);
        review.Property(r => r.SubjectId).HasMaxLength(100);
        review.Property(r => r.Text).HasMaxLength(MaxTextLength);
        review.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        review.Property(r => r.Reason).HasMaxLength(500);
        review.HasIndex(r => new { r.Program, r.ExternalId }).IsUnique();
        review.HasIndex(r => new { r.Program, r.Status, r.SubmittedAt });
        review.HasIndex(r => r.MemberId);
    });
}
