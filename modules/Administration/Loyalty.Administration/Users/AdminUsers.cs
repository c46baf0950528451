using Loyalty.Administration.Contracts;
using Loyalty.Administration.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.Users;

internal sealed class AdminUsers(AdministrationDbContext db, IPasswordHasher<AdminUser> hasher, AuditTrail audit, TimeProvider clock) : IAdminUsers
{
    public const int MinPasswordLength = 12;

    public Task<bool> AnyAsync(CancellationToken cancellationToken) => db.Users.AnyAsync(cancellationToken);

    public async Task<AdminUserResult> CreateAsync(string userName, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var problem = Validate(userName, password, roles);
        if (problem is not null)
        {
            return problem;
        }

        if (await db.Users.AnyAsync(u => u.UserName == userName, cancellationToken))
        {
            return AdminUserResult.Failure("userName", "This user name is taken.");
        }

        var now = clock.GetUtcNow();
        var user = new AdminUser
        {
            Id = Guid.CreateVersion7(now),
            UserName = userName,
            PasswordHash = string.Empty,
            Roles = [.. roles.Distinct()],
            CreatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        audit.Record(db, "admin.user.created", "user", user.Id.ToString(), new { roles = user.Roles });
        await db.SaveChangesAsync(cancellationToken);
        return AdminUserResult.Success;
    }

    private static AdminUserResult? Validate(string userName, string password, IReadOnlyCollection<string> roles)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100 || userName.Any(char.IsWhiteSpace))
        {
            return AdminUserResult.Failure("userName", "Use 1-100 characters without spaces.");
        }

        if (password is null || password.Length < MinPasswordLength)
        {
            return AdminUserResult.Failure("password", $"Use at least {MinPasswordLength} characters.");
        }

        if (roles.Count == 0 || roles.Any(r => !Roles.All.Contains(r)))
        {
            return AdminUserResult.Failure("roles", $"Give one or more of: {string.Join(", ", Roles.All)}.");
        }

        return null;
    }
}
