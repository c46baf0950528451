using System.Globalization;
using Loyalty.Shared.Security;

namespace Loyalty.Host.Admin.Administration;

// What the Administration module's API answers, as far as the screens show it (JSON names as the API writes them).
internal sealed record UserItem(Guid Id, string UserName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt, DateTimeOffset? LastSignInAt);

internal sealed record ApiKeyItem(
    Guid Id, string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Programs, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

internal sealed record CreatedApiKeyItem(ApiKeyItem ApiKey, string Key);

internal sealed record AuditEntryItem(Guid Id, string Module, DateTimeOffset OccurredAt, string Actor, string Action, string EntityType, string EntityId, string? Details);

/// <summary>One tick box per role, so the form binds without JavaScript.</summary>
internal sealed class RoleChoice
{
    public bool Admin { get; set; }

    public bool Marketer { get; set; }

    public bool Support { get; set; }

    public bool DataProtectionOfficer { get; set; }

    public bool Integrator { get; set; }

    public static RoleChoice From(IReadOnlyCollection<string> roles) => new()
    {
        Admin = roles.Contains(Roles.Admin),
        Marketer = roles.Contains(Roles.Marketer),
        Support = roles.Contains(Roles.Support),
        DataProtectionOfficer = roles.Contains(Roles.DataProtectionOfficer),
        Integrator = roles.Contains(Roles.Integrator),
    };

    public List<string> Selected() =>
    [
        .. new[] { (Admin, Roles.Admin), (Marketer, Roles.Marketer), (Support, Roles.Support), (DataProtectionOfficer, Roles.DataProtectionOfficer), (Integrator, Roles.Integrator) }
            .Where(r => r.Item1).Select(r => r.Item2),
    ];
}

internal static class AdministrationScreens
{
    public static string When(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "–";
}
