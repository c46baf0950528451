using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.EarningRules;

internal enum RuleStatus
{
    Draft,
    Active,
    Paused,
    Archived,
}

/// <summary>An earning rule of a program (by its code, as Members' contracts name programs) and its versions.</summary>
internal sealed class EarningRule
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public RuleStatus Status { get; set; }

    /// <summary>The newest version's number; the one the evaluator uses while the rule is active.</summary>
    public int LatestVersion { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<EarningRuleVersion> Versions { get; init; } = [];

    public EarningRuleVersion Latest => Versions.Single(v => v.Version == LatestVersion);

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EarningRule>(rule =>
        {
            rule.ToTable("EarningRules");
            rule.HasKey(r => r.Id);
            rule.Property(r => r.Program).HasMaxLength(50);
            rule.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            rule.HasIndex(r => new { r.Program, r.Status });
            rule.HasMany(r => r.Versions).WithOne().HasForeignKey(v => v.RuleId);
            rule.Ignore(r => r.Latest);
        });
        modelBuilder.Entity<EarningRuleVersion>(version =>
        {
            version.ToTable("EarningRuleVersions");
            version.HasKey(v => v.Id);
            version.Property(v => v.CreatedBy).HasMaxLength(200);
            version.HasIndex(v => new { v.RuleId, v.Version }).IsUnique();
        });
        modelBuilder.Entity<EarningRuleSetStamp>(stamp =>
        {
            stamp.ToTable("EarningRuleSetStamps");
            stamp.HasKey(s => s.Program);
            stamp.Property(s => s.Program).HasMaxLength(50);
        });
    }
}

/// <summary>One version of a rule; the definition is the documented JSON shape (<see cref="RuleDefinition"/>), as text.</summary>
internal sealed class EarningRuleVersion
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public Guid Id { get; init; }

    public Guid RuleId { get; init; }

    public int Version { get; init; }

    public required string Definition { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public RuleDefinition Parse() => JsonSerializer.Deserialize<RuleDefinition>(Definition, Json)!;
}

/// <summary>
/// Changes whenever any rule of the program changes. Each node's compiled rules carry the stamp they were built from;
/// one lookup by key per purchase tells a node whether its cache is still current.
/// </summary>
internal sealed class EarningRuleSetStamp
{
    public required string Program { get; init; }

    public Guid Stamp { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
