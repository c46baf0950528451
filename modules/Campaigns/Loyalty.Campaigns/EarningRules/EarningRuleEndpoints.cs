using System.Text.Json;
using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Loyalty.Campaigns.EarningRules;

internal sealed record RuleVersionDto(int Version, DateTimeOffset CreatedAt, string CreatedBy, RuleDefinition Definition);

/// <summary>A rule with its versions, newest first: also the shape a rule is exported in.</summary>
internal sealed record RuleDto(Guid Id, string Program, string Status, int Version, string Name, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, RuleDefinition Definition, IReadOnlyList<RuleVersionDto>? Versions)
{
    public static RuleDto From(EarningRule rule, bool withVersions) => new(
        rule.Id, rule.Program, rule.Status.ToString().ToLowerInvariant(), rule.LatestVersion, rule.Latest.Parse().Name!, rule.CreatedAt, rule.UpdatedAt, rule.Latest.Parse(),
        withVersions ? [.. rule.Versions.OrderByDescending(v => v.Version).Select(v => new RuleVersionDto(v.Version, v.CreatedAt, v.CreatedBy, v.Parse()))] : null);
}

internal sealed record SimulationDto(long Points, IReadOnlyList<long> LinePoints, long BasePoints, decimal TierMultiplier, IReadOnlyList<RuleOutcome> Rules, long QualifyingBonus = 0);

internal static class EarningRuleEndpoints
{
    public static void MapEarningRuleEndpoints(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/programs/{program}/earning-rules");
        rules.MapGet("/", List).RequireAuthorization(Policies.ViewPrograms);
        rules.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.ViewPrograms);
        rules.MapPost("/", Create).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Create an earning rule (as a draft)", Example);
        rules.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Change an earning rule (a new version if it is active or paused)", Example with { Priority = 20 });
        rules.MapPost("/{id:guid}/activate", (string program, Guid id, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
            ChangeStatusAsync(program, id, RuleStatus.Active, db, cache, audit, clock, ct)).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Activate a draft or paused rule");
        rules.MapPost("/{id:guid}/pause", (string program, Guid id, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
            ChangeStatusAsync(program, id, RuleStatus.Paused, db, cache, audit, clock, ct)).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Pause an active rule");
        rules.MapPost("/{id:guid}/archive", (string program, Guid id, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, TimeProvider clock, CancellationToken ct) =>
            ChangeStatusAsync(program, id, RuleStatus.Archived, db, cache, audit, clock, ct)).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithSummary("Archive a rule for good");
        rules.MapPost("/simulate", Simulate).RequireAuthorization(Policies.ViewPrograms).WithIdempotencyKey<CampaignsDbContext>()
            .WithExample("Explain what a purchase would earn under the active rules, writing nothing", SimulationExample);
        rules.MapGet("/export", RuleSetTransfer.ExportAsync).RequireAuthorization(Policies.ViewPrograms);
        rules.MapPost("/import", RuleSetTransfer.ImportAsync).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Import a rule set exported from another program or install (as drafts unless activate=true)", RuleSetTransfer.Example);
        rules.MapPost("/dry-run", RuleDryRun.RunAsync).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Replay the last N days of recorded purchases: what a rule would have given, writing nothing", RuleDryRun.Example);
    }

    private static readonly RuleDefinition Example = new(
        "3x points on shoes for Gold in November", 10,
        new RuleWindow(new DateTime(2026, 11, 1), new DateTime(2026, 12, 1), null, null),
        new RuleStacking("stack", null),
        new RuleAudience(["gold"], null, null),
        new RuleCondition(null, null, null, null, null, ["shoes"], null, null, null, null, null, null, null),
        new LineFilter(["gift-card"], null),
        new RuleEffects(null, null, 3m, 5000, false, CapPerMemberPerMonth: 10_000));

    private static readonly EarningRequest SimulationExample = new(
        new EarningProgram(Guid.Empty, "coffee", "Europe/Berlin", "EUR", 100, 1m, "PerLine"),
        new EarningMember(Guid.Empty, new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero), "web", new DateOnly(1990, 4, 1), "gold", 1.5m, new Dictionary<string, string>()),
        new EarningPurchase("T-1001", new DateTimeOffset(2026, 11, 14, 11, 30, 0, TimeSpan.Zero), "pos", "berlin-1", 12_999,
            [new EarningLine(1, "runner-42", "shoes", 1, 12_999, 12_999, "acme", new Dictionary<string, string> { ["color"] = "red" })],
            "card", new Dictionary<string, string> { ["campaign"] = "black-friday" }));

    private static async Task<Results<Ok<List<RuleDto>>, ProblemHttpResult>> List(string program, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var rules = await db.EarningRules.AsNoTracking().Include(r => r.Versions).Where(r => r.Program == program).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(rules.Select(r => RuleDto.From(r, withVersions: false)).ToList());
    }

    private static async Task<Results<Ok<RuleDto>, NotFound>> Get(string program, Guid id, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        var rule = await LoadAsync(db, program, id, cancellationToken);
        return rule is null ? TypedResults.NotFound() : TypedResults.Ok(RuleDto.From(rule, withVersions: true));
    }

    private static async Task<Results<Created<RuleDto>, ValidationProblem>> Create(
        string program, RuleDefinition request, CampaignsDbContext db, AuditTrail audit, CurrentActor actor, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate().Check(program.Length <= 50, "program", "A program code has at most 50 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var rule = new EarningRule { Id = Guid.CreateVersion7(now), Program = program, Status = RuleStatus.Draft, LatestVersion = 1, CreatedAt = now, UpdatedAt = now };
        rule.Versions.Add(NewVersion(rule, 1, request, actor, now));
        db.EarningRules.Add(rule);
        audit.Record(db, "campaigns.earning-rule.created", "earning-rule", rule.Id.ToString(), new { program, version = 1, definition = request });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/campaigns/programs/{program}/earning-rules/{rule.Id}", RuleDto.From(rule, withVersions: true));
    }

    /// <summary>
    /// A draft is changed in place: nothing has earned under it. An active or paused rule gets a new version, which an
    /// active rule applies from the next purchase on; earlier versions are kept. An archived rule cannot change.
    /// </summary>
    private static async Task<Results<Ok<RuleDto>, ValidationProblem, NotFound, ProblemHttpResult>> Update(
        string program, Guid id, RuleDefinition request, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, CurrentActor actor, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var rule = await LoadAsync(db, program, id, cancellationToken, tracked: true);
        if (rule is null)
        {
            return TypedResults.NotFound();
        }

        if (rule.Status == RuleStatus.Archived)
        {
            return TypedResults.Problem(title: "The rule is archived.", detail: "An archived rule cannot change; create a new rule.", statusCode: StatusCodes.Status409Conflict);
        }

        var now = clock.GetUtcNow();
        if (rule.Status == RuleStatus.Draft)
        {
            rule.Latest.Definition = JsonSerializer.Serialize(request, EarningRuleVersion.Json);
            rule.Latest.CreatedAt = now;
            rule.Latest.CreatedBy = actor.Name;
        }
        else
        {
            rule.LatestVersion++;
            var version = NewVersion(rule, rule.LatestVersion, request, actor, now);
            rule.Versions.Add(version);
            db.EarningRuleVersions.Add(version);
        }

        rule.UpdatedAt = now;
        audit.Record(db, "campaigns.earning-rule.updated", "earning-rule", rule.Id.ToString(), new { program, version = rule.LatestVersion, definition = request });
        Touch(db, program, rule.Status == RuleStatus.Active, now);
        return await SaveAsync(db, cache, rule, cancellationToken);
    }

    private static readonly Dictionary<RuleStatus, RuleStatus[]> AllowedFrom = new()
    {
        [RuleStatus.Active] = [RuleStatus.Draft, RuleStatus.Paused],
        [RuleStatus.Paused] = [RuleStatus.Active],
        [RuleStatus.Archived] = [RuleStatus.Draft, RuleStatus.Active, RuleStatus.Paused],
    };

    private static async Task<Results<Ok<RuleDto>, ValidationProblem, NotFound, ProblemHttpResult>> ChangeStatusAsync(
        string program, Guid id, RuleStatus target, CampaignsDbContext db, EarningRuleCache cache, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var rule = await LoadAsync(db, program, id, cancellationToken, tracked: true);
        if (rule is null)
        {
            return TypedResults.NotFound();
        }

        if (rule.Status == target)
        {
            return TypedResults.Ok(RuleDto.From(rule, withVersions: true));
        }

        if (!AllowedFrom[target].Contains(rule.Status))
        {
            return TypedResults.Problem(
                title: "The rule cannot change to this status.",
                detail: $"A {rule.Status.ToString().ToLowerInvariant()} rule cannot become {target.ToString().ToLowerInvariant()}.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (target == RuleStatus.Active)
        {
            // Stored definitions were validated when saved; this guards rows that came in any other way.
            var errors = TryParse(rule.Latest)?.Validate() ?? new ValidationErrors().Check(false, "definition", "The stored definition is not readable JSON.");
            if (!errors.IsEmpty)
            {
                return errors.ToProblem();
            }
        }

        var now = clock.GetUtcNow();
        var wasActive = rule.Status == RuleStatus.Active;
        rule.Status = target;
        rule.UpdatedAt = now;
        audit.Record(db, $"campaigns.earning-rule.{(target == RuleStatus.Active ? "activated" : target == RuleStatus.Paused ? "paused" : "archived")}",
            "earning-rule", rule.Id.ToString(), new { program, version = rule.LatestVersion });
        Touch(db, program, wasActive || target == RuleStatus.Active, now);
        return await SaveAsync(db, cache, rule, cancellationToken);
    }

    private static async Task<Results<Ok<SimulationDto>, ValidationProblem>> Simulate(
        string program, EarningRequest request, ActiveRules activeRules, CapReservations reservations, IPurchaseHistory purchaseHistory,
        ISegmentMembership segmentMembership, ILogger<ActiveRules> logger, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.Program is not null, "program", "Describe the program: id, code, timeZone, currency, minorUnitsPerUnit, pointsPerCurrencyUnit, baseRateScope.")
            .Check(request.Member is not null, "member", "Describe the member: enrolledAt, enrollmentChannel, tierCode, tierEarningMultiplier, attributes.")
            .Check(request.Purchase is not null, "purchase", "Describe the purchase: occurredAt, channel, totalMinor, lines.");
        if (request.Program is { } p)
        {
            errors
                .Check(p.Code == program, "program.code", $"Simulate against the program of the route, '{program}'.")
                .Check(p.MinorUnitsPerUnit > 0, "program.minorUnitsPerUnit", "Give the minor units per currency unit, such as 100.")
                .Check(p.TimeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(p.TimeZone, out _), "program.timeZone", "Give an IANA time zone such as Europe/Berlin.")
                .Check(p.BaseRateScope is "PerLine" or "PerTransaction", "program.baseRateScope", "Use PerLine or PerTransaction.");
        }

        if (request.Member is { } m)
        {
            errors
                .Check(m.EnrollmentChannel is not null, "member.enrollmentChannel", "Give the enrolment channel.")
                .Check(m.TierEarningMultiplier > 0, "member.tierEarningMultiplier", "Give the tier's multiplier, 1 without a tier.");
        }

        if (request.Purchase is { } purchase)
        {
            errors.Check(purchase.Channel is not null, "purchase.channel", "Give the channel.");
            var lines = purchase.Lines ?? [];
            for (var i = 0; i < lines.Count; i++)
            {
                errors.Check(lines[i]?.Sku is not null, $"purchase.lines[{i}].sku", "Give the line's sku.");
            }
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var normalized = request with
        {
            Member = request.Member! with { Attributes = request.Member.Attributes ?? new Dictionary<string, string>() },
            Purchase = request.Purchase! with { Lines = request.Purchase.Lines ?? [] },
        };
        var rules = await activeRules.ForProgramAsync(program, cancellationToken);
        var segments = await RulesEarningEngine.SegmentsAsync(segmentMembership, normalized, rules, cancellationToken);
        var history = await RulesEarningEngine.HistoryAsync(purchaseHistory, normalized, rules, logger, cancellationToken, segments);
        var context = new EarningContext(normalized, segments: segments);
        var remaining = new Dictionary<Guid, long>();
        foreach (var rule in rules.Where(r => r.CountedCaps.Count > 0))
        {
            remaining[rule.RuleId] = await reservations.RemainingAsync(rule, context, cancellationToken);
        }

        var evaluation = RuleEvaluator.Evaluate(normalized, rules, logger, remaining, history, segments);
        return TypedResults.Ok(new SimulationDto(evaluation.Decision.Points, evaluation.Decision.LinePoints, evaluation.BasePoints, evaluation.TierMultiplier, evaluation.Rules, evaluation.Decision.QualifyingBonus));
    }

    public static EarningRuleVersion NewVersion(EarningRule rule, int number, RuleDefinition definition, CurrentActor actor, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        RuleId = rule.Id,
        Version = number,
        Definition = JsonSerializer.Serialize(definition, EarningRuleVersion.Json),
        CreatedAt = now,
        CreatedBy = actor.Name,
    };

    private static RuleDefinition? TryParse(EarningRuleVersion version)
    {
        try
        {
            return version.Parse();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Renews the program's stamp when the active rule set changed, so every node recompiles on its next purchase.</summary>
    public static void Touch(CampaignsDbContext db, string program, bool activeSetChanged, DateTimeOffset now)
    {
        if (!activeSetChanged)
        {
            return;
        }

        var stamp = db.EarningRuleSetStamps.Local.SingleOrDefault(s => s.Program == program) ?? db.EarningRuleSetStamps.Find(program);
        if (stamp is null)
        {
            db.EarningRuleSetStamps.Add(new EarningRuleSetStamp { Program = program, Stamp = Guid.CreateVersion7(now), ChangedAt = now });
        }
        else
        {
            stamp.Stamp = Guid.CreateVersion7(now);
            stamp.ChangedAt = now;
        }
    }

    private static async Task<Results<Ok<RuleDto>, ValidationProblem, NotFound, ProblemHttpResult>> SaveAsync(
        CampaignsDbContext db, EarningRuleCache cache, EarningRule rule, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            // This node sees its own change from the next purchase on; other nodes within a stamp recheck.
            cache.Forget(rule.Program);
        }
        catch (DbUpdateException)
        {
            return TypedResults.Problem(title: "The rule was changed at the same time.", detail: "Read the rule again and repeat the change.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(RuleDto.From(rule, withVersions: true));
    }

    private static Task<EarningRule?> LoadAsync(CampaignsDbContext db, string program, Guid id, CancellationToken cancellationToken, bool tracked = false)
    {
        var rules = tracked ? db.EarningRules : db.EarningRules.AsNoTracking();
        return rules.Include(r => r.Versions).SingleOrDefaultAsync(r => r.Id == id && r.Program == program, cancellationToken);
    }
}
