using System.Text.Json;
using System.Text.Json.Serialization;
using Loyalty.Campaigns.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// A program's rule set as a portable document (docs/earning-rules.md, "Export and import"): no ids, each rule keyed by
/// its name. <see cref="Status"/> of a rule is what it was where it was exported; an import activates only rules that
/// were active there, and only when asked to.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RuleSetDocument(string? Format, int? Version, string? Program, DateTimeOffset? ExportedAt, IReadOnlyList<ExportedRule>? Rules)
{
    public const string FormatName = "loyalty.earning-rules";
    public const int CurrentVersion = 1;
    public const int MaxRules = 500;
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ExportedRule(string? Status, RuleDefinition? Definition);

/// <summary>What the import did to one rule: <c>created</c>, <c>updated</c> (a new version, or a draft changed), <c>activated</c> or <c>unchanged</c>.</summary>
internal sealed record ImportedRule(string Name, Guid Id, string Outcome, string Status, int Version);

internal sealed record ImportResult(int Created, int Updated, int Activated, int Unchanged, IReadOnlyList<ImportedRule> Rules);

internal static class RuleSetTransfer
{
    public static readonly RuleSetDocument Example = new(
        RuleSetDocument.FormatName, RuleSetDocument.CurrentVersion, "coffee", new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero),
        [new ExportedRule("active", new RuleDefinition("Double points on card payments", 10, null, null, null,
            new RuleCondition(null, null, null, null, null, null, null, null, null, null, null, null, null, PaymentMethod: ["card"]),
            null, new RuleEffects(null, null, 2m, null, null)))]);

    /// <summary>
    /// The program's rules that are not archived, newest version each, in the order of their names (ordinal), so two
    /// exports of the same rule set read the same wherever they come from.
    /// </summary>
    public static async Task<Ok<RuleSetDocument>> ExportAsync(string program, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rules = await db.EarningRules.AsNoTracking().Include(r => r.Versions)
            .Where(r => r.Program == program && r.Status != RuleStatus.Archived).ToListAsync(cancellationToken);
        return TypedResults.Ok(new RuleSetDocument(
            RuleSetDocument.FormatName, RuleSetDocument.CurrentVersion, program, clock.GetUtcNow(),
            [.. rules.Select(r => new ExportedRule(r.Status.ToString().ToLowerInvariant(), r.Latest.Parse())).OrderBy(r => r.Definition!.Name, StringComparer.Ordinal)]));
    }

    /// <summary>
    /// Validates the whole document before writing anything, then writes every rule in one transaction. A rule is
    /// matched to the program's rule of the same name that is not archived: the same definition leaves it unchanged, a
    /// different one changes it as <c>PUT</c> would (a draft in place, else a new version). New rules are drafts;
    /// with <paramref name="activate"/>, rules that were active where they were exported become active here too.
    /// </summary>
    public static async Task<Results<Ok<ImportResult>, ValidationProblem>> ImportAsync(
        string program, RuleSetDocument document, bool? activate, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, CurrentActor actor,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = Validate(program, document);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var existing = await db.EarningRules.Include(r => r.Versions)
            .Where(r => r.Program == program && r.Status != RuleStatus.Archived).ToListAsync(cancellationToken);
        var byName = existing.GroupBy(r => r.Latest.Parse().Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var rules = document.Rules!;
        for (var i = 0; i < rules.Count; i++)
        {
            var name = rules[i].Definition!.Name!;
            errors.Check(byName.GetValueOrDefault(name) is not { Count: > 1 }, $"rules[{i}].definition.name",
                $"The program has several rules named '{name}'; archive or rename all but one before importing.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var activeSetChanged = false;
        var results = new List<ImportedRule>();
        foreach (var imported in rules)
        {
            var definition = imported.Definition!;
            var wanted = activate == true && imported.Status == "active";
            var json = JsonSerializer.Serialize(definition, EarningRuleVersion.Json);
            string outcome;
            EarningRule rule;
            if (byName.GetValueOrDefault(definition.Name!) is [var match])
            {
                rule = match;
                var changed = rule.Latest.Definition != json;
                var activating = wanted && rule.Status != RuleStatus.Active;
                outcome = changed ? "updated" : activating ? "activated" : "unchanged";
                if (changed && rule.Status == RuleStatus.Draft)
                {
                    (rule.Latest.Definition, rule.Latest.CreatedAt, rule.Latest.CreatedBy) = (json, now, actor.Name);
                }
                else if (changed)
                {
                    rule.LatestVersion++;
                    var version = EarningRuleEndpoints.NewVersion(rule, rule.LatestVersion, definition, actor, now);
                    rule.Versions.Add(version);
                    db.EarningRuleVersions.Add(version);
                }

                activeSetChanged |= (changed && rule.Status == RuleStatus.Active) || activating;
                if (activating)
                {
                    rule.Status = RuleStatus.Active;
                }

                if (changed || activating)
                {
                    rule.UpdatedAt = now;
                }
            }
            else
            {
                rule = new EarningRule
                {
                    Id = Guid.CreateVersion7(now), Program = program, Status = wanted ? RuleStatus.Active : RuleStatus.Draft, LatestVersion = 1, CreatedAt = now, UpdatedAt = now,
                };
                rule.Versions.Add(EarningRuleEndpoints.NewVersion(rule, 1, definition, actor, now));
                db.EarningRules.Add(rule);
                activeSetChanged |= wanted;
                outcome = "created";
            }

            if (outcome != "unchanged")
            {
                audit.Record(db, "campaigns.earning-rule.imported", "earning-rule", rule.Id.ToString(),
                    new { program, outcome, version = rule.LatestVersion, status = rule.Status.ToString(), from = document.Program, definition });
            }

            results.Add(new ImportedRule(definition.Name!, rule.Id, outcome, rule.Status.ToString().ToLowerInvariant(), rule.LatestVersion));
        }

        EarningRuleEndpoints.Touch(db, program, activeSetChanged, now);
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(program);
        return TypedResults.Ok(new ImportResult(
            results.Count(r => r.Outcome == "created"), results.Count(r => r.Outcome == "updated"), results.Count(r => r.Outcome == "activated"),
            results.Count(r => r.Outcome == "unchanged"), results));
    }

    private static ValidationErrors Validate(string program, RuleSetDocument document)
    {
        var errors = new ValidationErrors()
            .Check(program.Length <= 50, "program", "A program code has at most 50 characters.")
            .Check(document.Format == RuleSetDocument.FormatName, "format", $"Give \"{RuleSetDocument.FormatName}\", as the export writes it.")
            .Check(document.Version == RuleSetDocument.CurrentVersion, "version", $"This install reads version {RuleSetDocument.CurrentVersion} of the document.")
            .Check(document.Rules is { Count: > 0 and <= RuleSetDocument.MaxRules }, "rules", $"Give 1 to {RuleSetDocument.MaxRules} rules.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var rules = document.Rules ?? [];
        for (var i = 0; i < Math.Min(rules.Count, RuleSetDocument.MaxRules); i++)
        {
            var rule = rules[i];
            if (rule?.Definition is not { } definition)
            {
                errors.Check(false, $"rules[{i}].definition", "Give the rule's definition.");
                continue;
            }

            errors.Check(rule.Status is null or "draft" or "active" or "paused", $"rules[{i}].status", "Use draft, active or paused (archived rules are not exported).");
            var ruleErrors = definition.Validate();
            if (!ruleErrors.IsEmpty)
            {
                errors.Check(false, $"rules[{i}]", $"The rule '{definition.Name}' is not valid; nothing was imported.");
                errors.Include(ruleErrors, $"rules[{i}].definition");
            }

            errors.Check(definition.Name is null || names.Add(definition.Name), $"rules[{i}].definition.name", $"Another rule of the document is named '{definition.Name}'; names are the rules' keys.");
        }

        return errors;
    }
}
