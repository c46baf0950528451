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

    private static AdminUserDto ToDto(AdminUser u) => new(u.Id, u.UserName, u.Roles, u.CreatedAt, u.DisabledAt, u.LastSignInAt);
}
