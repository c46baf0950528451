using Loyalty.Administration.Contracts;
using Loyalty.Administration.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Administration.Users;

internal sealed record CreateUserRequest(string? UserName, string? Password, List<string>? Roles);

internal sealed record ChangeRolesRequest(List<string>? Roles);

internal sealed record AdminUserDto(Guid Id, string UserName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, DateTimeOffset? LastSignInAt);

internal static class UserEndpoints
{
    public static void MapUserEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").RequireAuthorization(Policies.Administer);
        users.MapGet("/", ListUsers);
        users.MapPost("/", CreateUser)
            .WithExample("Create a user", new CreateUserRequest("dora", "a long passphrase of her own", ["DataProtectionOfficer"]));
        users.MapPost("/{id:guid}/disable", DisableUser);
        users.MapPut("/{id:guid}/roles", ChangeRoles)
            .WithExample("Replace a user's roles (their sessions get the new roles with their next request)", new ChangeRolesRequest(["Marketer", "Support"]));
    }

    private static async Task<Ok<List<AdminUserDto>>> ListUsers(AdministrationDbContext db, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(cancellationToken);
        return TypedResults.Ok(users.ConvertAll(ToDto));
    }

    private static async Task<Results<Created, ValidationProblem>> CreateUser(
        CreateUserRequest request, IAdminUsers users, CancellationToken cancellationToken)
    {
        var result = await users.CreateAsync(request.UserName ?? string.Empty, request.Password ?? string.Empty, request.Roles ?? [], cancellationToken);
        return result.Succeeded
            ? TypedResults.Created()
            : new ValidationErrors().Check(false, result.Field!, result.Error!).ToProblem();
    }

    private static async Task<Results<NoContent, NotFound>> DisableUser(
        Guid id, AdministrationDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        user.DisabledAt ??= clock.GetUtcNow();
        audit.Record(db, "admin.user.disabled", "user", user.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Replaces the user's roles. What would leave no enabled user holding the admin role (the last admin taking it from
    /// themselves, or a key taking it from the last admin) is 409: nobody could administer the install any more.
    /// The check and the change are one serializable transaction, so two admins demoting each other at once cannot both succeed.
    /// </summary>
    private static async Task<Results<Ok<AdminUserDto>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeRoles(
        Guid id, ChangeRolesRequest request, AdministrationDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var roles = request.Roles ?? [];
        var errors = new ValidationErrors()
            .Check(roles.Count > 0 && roles.All(Roles.All.Contains), "roles", $"Give one or more of: {string.Join(", ", Roles.All)}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var before = user.Roles.ToList();
        var after = Roles.All.Where(roles.Contains).ToList();
        if (before.Contains(Roles.Admin) && !after.Contains(Roles.Admin) && user.DisabledAt is null)
        {
            var admins = await db.Users.AsNoTracking().Where(u => u.DisabledAt == null && u.Id != user.Id).Select(u => u.Roles).ToListAsync(cancellationToken);
            if (!admins.Any(r => r.Contains(Roles.Admin)))
            {
                return TypedResults.Problem(
                    title: "The last admin keeps the admin role.",
                    detail: "No other enabled user holds the admin role: give it to someone else first.",
                    statusCode: StatusCodes.Status409Conflict,
                    extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["roles"] = ["No other enabled user is an admin: give the admin role to someone else first."] } });
            }
        }

        if (!before.Order(StringComparer.Ordinal).SequenceEqual(after.Order(StringComparer.Ordinal), StringComparer.Ordinal))
        {
            user.Roles = after;
            audit.Record(db, "admin.user.roles-changed", "user", user.Id.ToString(), new { from = before, to = after });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
            {
                return TypedResults.Problem(title: "The users changed meanwhile.", detail: "Another change of users was saved at the same time; read them again and repeat.", statusCode: StatusCodes.Status409Conflict);
            }
        }

        return TypedResults.Ok(ToDto(user));
    }

    private static AdminUserDto ToDto(AdminUser u) => new(u.Id, u.UserName, u.Roles, u.CreatedAt, u.DisabledAt, u.LastSignInAt);
}
