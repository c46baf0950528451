using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <param name="PeriodDays">The period in force: the one set for this installation, or the category's default.</param>
/// <param name="Enabled">Whether the daily job enforces the policy; off until the DPO turns it on.</param>
/// <param name="IsDefault">True while nobody set this category's policy on this installation.</param>
internal sealed record RetentionPolicyDto(
    string Key, string Module, string Name, string Description, int PeriodDays, int DefaultPeriodDays, bool Enabled, bool IsDefault, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>The registered categories with the periods in force.</summary>
internal sealed class RetentionPolicies(ConsentDbContext db, IEnumerable<IRetentionCategory> categories)
{
    public const int MinPeriodDays = 1;

    /// <summary>A hundred years: longer than any retention duty, short enough that the cut-off is a valid time.</summary>
    public const int MaxPeriodDays = 36_500;

    public IReadOnlyList<IRetentionCategory> Categories { get; } = [.. categories.OrderBy(c => c.Key, StringComparer.Ordinal)];

    public async Task<IReadOnlyList<RetentionPolicyDto>> ListAsync(CancellationToken cancellationToken)
    {
        var set = await db.RetentionPolicies.AsNoTracking().ToDictionaryAsync(p => p.Key, StringComparer.Ordinal, cancellationToken);
        return [.. Categories.Select(c => set.TryGetValue(c.Key, out var p)
            ? new RetentionPolicyDto(c.Key, c.Module, c.Name, c.Description, p.PeriodDays, c.DefaultPeriodDays, p.Enabled, false, p.UpdatedAt, p.UpdatedBy)
            : new RetentionPolicyDto(c.Key, c.Module, c.Name, c.Description, c.DefaultPeriodDays, c.DefaultPeriodDays, false, true, null, null))];
    }

    /// <summary>What is older than this is due: the period counted back from <paramref name="now"/>.</summary>
    public static DateTimeOffset CutoffOf(RetentionPolicyDto policy, DateTimeOffset now) => now.AddDays(-policy.PeriodDays);
}
