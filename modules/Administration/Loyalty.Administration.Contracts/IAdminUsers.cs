namespace Loyalty.Administration.Contracts;

/// <summary>Admin accounts as the host's first-run bootstrap and its <c>create-admin</c> command need them.</summary>
public interface IAdminUsers
{
    Task<bool> AnyAsync(CancellationToken cancellationToken);

    /// <summary>Creates a user, or returns the problem: a taken name, an unknown role, a weak password.</summary>
    Task<AdminUserResult> CreateAsync(string userName, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken);
}

public sealed record AdminUserResult(bool Succeeded, string? Field, string? Error)
{
    public static AdminUserResult Success { get; } = new(true, null, null);

    public static AdminUserResult Failure(string field, string error) => new(false, field, error);
}
