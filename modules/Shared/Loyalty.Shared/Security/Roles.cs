namespace Loyalty.Shared.Security;

/// <summary>The roles an admin user or API key can hold.</summary>
public static class Roles
{
    public const string Admin = nameof(Admin);
    public const string Marketer = nameof(Marketer);
    public const string Support = nameof(Support);
    public const string DataProtectionOfficer = nameof(DataProtectionOfficer);
    public const string Integrator = nameof(Integrator);

    public static readonly IReadOnlyList<string> All = [Admin, Marketer, Support, DataProtectionOfficer, Integrator];
}

/// <summary>
/// The authorization policies endpoints name. Each is a set of roles; <see cref="Roles.Admin"/> is in every one.
/// An endpoint without one of these (or an explicit AllowAnonymous) fails the endpoint authorization test.
/// </summary>
public static class Policies
{
    /// <summary>Users, API keys, outbox and system settings.</summary>
    public const string Administer = "loyalty.administer";

    /// <summary>Programs, rules, rewards, campaigns: marketers' daily work.</summary>
    public const string ManagePrograms = "loyalty.manage-programs";

    /// <summary>Member service: look up members, adjust points with a reason.</summary>
    public const string SupportMembers = "loyalty.support-members";

    /// <summary>GDPR requests, consent evidence, erasure.</summary>
    public const string ProtectData = "loyalty.protect-data";

    /// <summary>Machine clients: POS, shop and CRM integrations.</summary>
    public const string Integrate = "loyalty.integrate";

    /// <summary>Any staff role: read-only views of programs and dashboards.</summary>
    public const string ViewPrograms = "loyalty.view-programs";

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [Administer] = [Roles.Admin],
        [ManagePrograms] = [Roles.Admin, Roles.Marketer],
        [SupportMembers] = [Roles.Admin, Roles.Support],
        [ProtectData] = [Roles.Admin, Roles.DataProtectionOfficer],
        [Integrate] = [Roles.Admin, Roles.Integrator],
        [ViewPrograms] = [.. Roles.All],
    };
}
