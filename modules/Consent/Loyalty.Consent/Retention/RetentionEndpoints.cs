using Loyalty.Consent.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Retention;

/// <param name="PeriodDays">The new period; null keeps the one in force.</param>
/// <param name="Enabled">Turns enforcement on or off; null keeps it as it is (off for a category never set).</param>
internal sealed record RetentionPeriodInput(string? Key, int? PeriodDays, bool? Enabled);

/// <param name="Policies">The categories whose policy changes; the others keep theirs.</param>
internal sealed record UpdateRetentionPoliciesRequest(List<RetentionPeriodInput>? Policies);

/// <param name="Cutoff">Data older than this (by the category's measure) is due.</param>
/// <param name="Due">How many items the job would delete or anonymise now, if the policy is enabled.</param>
internal sealed record RetentionDueDto(string Key, string Module, int PeriodDays, bool Enabled, DateTimeOffset Cutoff, int Due);

internal sealed record RetentionDryRunDto(DateTimeOffset AsOf, IReadOnlyList<RetentionDueDto> Categories);

internal static class RetentionEndpoints
{
    public static void MapRetentionEndpoints(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/retention-policies").RequireAuthorization(Policies.ProtectData);
        policies.MapGet("/", List);
        policies.MapPut("/", Update)
            .WithExample("Delete delivery logs after 6 months and anonymise members after 2 years without activity", new UpdateRetentionPoliciesRequest(
                [new RetentionPeriodInput("campaigns.delivery-logs", 183, true), new RetentionPeriodInput("members.inactive-members", 730, true)]));
        policies.MapPost("/dry-run", DryRun);
    }

    /// <summary>Every retention category with the period in force on this installation.</summary>
    private static async Task<Ok<IReadOnlyList<RetentionPolicyDto>>> List(RetentionPolicies policies, CancellationToken cancellationToken) =>
        TypedResults.Ok(await policies.ListAsync(cancellationToken));

    /// <summary>Sets the period (1 to 36,500 days) or turns enforcement on or off, for one or more categories; audited.</summary>
    private static async Task<Results<Ok<IReadOnlyList<RetentionPolicyDto>>, ValidationProblem>> Update(
        UpdateRetentionPoliciesRequest body, RetentionPolicies policies, ConsentDbContext db, AuditTrail audit, CurrentActor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var inputs = body.Policies ?? [];
        errors.Check(inputs.Count > 0, "policies", "Give at least one category's key with its periodDays, enabled or both.");
        var known = policies.Categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            errors.Check(input.Key is not null && known.Contains(input.Key), $"policies[{i}].key", $"Give one of {string.Join(", ", known)}.")
                .Check(input.PeriodDays is null or (>= RetentionPolicies.MinPeriodDays and <= RetentionPolicies.MaxPeriodDays), $"policies[{i}].periodDays",
                    $"Give a whole number of days from {RetentionPolicies.MinPeriodDays} to {RetentionPolicies.MaxPeriodDays}.")
                .Check(input.PeriodDays is not null || input.Enabled is not null, $"policies[{i}]", "Give periodDays, enabled or both.")
                .Check(inputs.Take(i).All(other => other.Key != input.Key), $"policies[{i}].key", "Each category once.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var existing = await db.RetentionPolicies.ToDictionaryAsync(p => p.Key, StringComparer.Ordinal, cancellationToken);
        var before = await policies.ListAsync(cancellationToken);
        foreach (var input in inputs)
        {
            var previous = before.Single(p => p.Key == input.Key);
            if (!existing.TryGetValue(input.Key!, out var policy))
            {
                db.RetentionPolicies.Add(policy = new RetentionPolicy { Key = input.Key!, PeriodDays = previous.PeriodDays, UpdatedBy = actor.Name });
            }

            (policy.PeriodDays, policy.Enabled) = (input.PeriodDays ?? policy.PeriodDays, input.Enabled ?? policy.Enabled);
            (policy.UpdatedAt, policy.UpdatedBy) = (now, actor.Name);
            audit.Record(db, "consent.retention.policy-changed", "retention-policy", input.Key!,
                new { from = new { previous.PeriodDays, previous.Enabled }, to = new { policy.PeriodDays, policy.Enabled } });
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await policies.ListAsync(cancellationToken));
    }

    /// <summary>How many items of each category are due as of now; changes nothing.</summary>
    private static async Task<Ok<RetentionDryRunDto>> DryRun(RetentionPolicies policies, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = new List<RetentionDueDto>();
        foreach (var policy in await policies.ListAsync(cancellationToken))
        {
            var cutoff = RetentionPolicies.CutoffOf(policy, now);
            var category = policies.Categories.Single(c => c.Key == policy.Key);
            due.Add(new RetentionDueDto(policy.Key, policy.Module, policy.PeriodDays, policy.Enabled, cutoff, await category.CountDueAsync(cutoff, cancellationToken)));
        }

        return TypedResults.Ok(new RetentionDryRunDto(now, due));
    }
}
