using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.Users;

/// <summary>A person who signs in to the admin UI or the API with a password, holding one or more roles.</summary>
internal sealed class AdminUser
{
    public const int MaxFailedSignIns = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    public Guid Id { get; init; }

    public required string UserName { get; init; }

    /// <summary>ASP.NET Core Identity's PBKDF2 hash, salt and parameters included.</summary>
    public required string PasswordHash { get; set; }

    public List<string> Roles { get; set; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DisabledAt { get; set; }

    public int FailedSignIns { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<AdminUser>(user =>
    {
        user.ToTable("Users");
        user.HasKey(u => u.Id);
        user.Property(u => u.UserName).HasMaxLength(100);
        user.HasIndex(u => u.UserName).IsUnique();
        user.Property(u => u.PasswordHash).HasMaxLength(500);
    });
}
