using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.Messaging;

/// <summary>
/// A program's limits on marketing messages, across its campaigns: at most <see cref="CapMessages"/> per member and
/// channel in <see cref="CapDays"/> days, and nothing sent in the quiet hours (program time zone). A program without a
/// row has the defaults.
/// </summary>
internal sealed class MessagingSettings
{
    public required string Program { get; init; }

    public int CapMessages { get; set; } = 2;

    public int CapDays { get; set; } = 7;

    /// <summary>Local time the quiet hours start (e.g. 21:00); with <see cref="QuietUntil"/>, null for none.</summary>
    public TimeOnly? QuietFrom { get; set; } = new(21, 0);

    /// <summary>Local time they end (e.g. 08:00, the next morning when earlier than <see cref="QuietFrom"/>).</summary>
    public TimeOnly? QuietUntil { get; set; } = new(8, 0);

    public bool IsQuiet(DateTimeOffset now, string timeZone)
    {
        if (QuietFrom is not { } from || QuietUntil is not { } until || from == until)
        {
            return false;
        }

        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
        return from < until ? local >= from && local < until : local >= from || local < until;
    }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<MessagingSettings>(settings =>
    {
        settings.ToTable("MessagingSettings");
        settings.HasKey(s => s.Program);
        settings.Property(s => s.Program).HasMaxLength(50);
    });
}
