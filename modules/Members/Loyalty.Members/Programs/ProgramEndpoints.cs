using System.Security.Claims;
using System.Text.RegularExpressions;
using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Programs;

internal sealed record CreateProgramRequest(
    string? Code,
    string? Name,
    string? TimeZone,
    string? Currency,
    decimal? PointsPerCurrencyUnit = null,
    string? BaseRateScope = null,
    int? PendingDays = null,
    string? ExpiryPolicy = null,
    int? ExpiryMonths = null,
    string? ReturnPolicy = null,
    int? RetroClaimDays = null)
{
    public ValidationErrors Validate() => new ValidationErrors()
        .Check(Code is not null && ProgramEndpoints.CodePattern().IsMatch(Code), "code", "Use 2-50 lowercase letters, digits and dashes.")
        .Check(!string.IsNullOrWhiteSpace(Name) && Name.Length <= 200, "name", "A name of 1-200 characters is required.")
        .Check(TimeZone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _), "timeZone", "Give an IANA time zone id, such as Europe/Berlin.")
        .Check(Currency is not null && ProgramEndpoints.CurrencyPattern().IsMatch(Currency) && Currencies.IsKnown(Currency), "currency", "Give an ISO 4217 currency code, such as EUR.")
        .Check(PointsPerCurrencyUnit is null or (> 0 and <= 10_000), "pointsPerCurrencyUnit", "Give a rate above 0, at most 10,000.")
        .Check(BaseRateScope is null || Enum.TryParse<BaseRateScope>(BaseRateScope, ignoreCase: true, out _), "baseRateScope", "Use PerLine or PerTransaction.")
        .Check(PendingDays is null or (>= 0 and <= 365), "pendingDays", "Give 0 to 365 days.")
        .Check(ExpiryPolicy is null || Enum.TryParse<ExpiryPolicy>(ExpiryPolicy, ignoreCase: true, out _), "expiryPolicy", "Use Never, RollingMonths or EndOfFollowingYear.")
        .Check(!string.Equals(ExpiryPolicy, nameof(Programs.ExpiryPolicy.RollingMonths), StringComparison.OrdinalIgnoreCase) || ExpiryMonths is >= 1 and <= 120, "expiryMonths", "Rolling expiry needs 1 to 120 months.")
        .Check(ReturnPolicy is null || Enum.TryParse<ReturnPolicy>(ReturnPolicy, ignoreCase: true, out _), "returnPolicy", "Use AllowDebt or CapAtBalance.")
        .Check(RetroClaimDays is null or (>= 0 and <= 365), "retroClaimDays", "Give 0 (off) to 365 days.");

    /// <summary>The program this request describes, with defaults for the settings it leaves out.</summary>
    public LoyaltyProgram ToProgram(Guid id, DateTimeOffset now) => new()
    {
        Id = id,
        Code = Code!,
        Name = Name!,
        TimeZone = TimeZone!,
        Currency = Currency!,
        CreatedAt = now,
        PointsPerCurrencyUnit = PointsPerCurrencyUnit ?? 1m,
        BaseRateScope = BaseRateScope is null ? Programs.BaseRateScope.PerLine : Enum.Parse<BaseRateScope>(BaseRateScope, ignoreCase: true),
        PendingDays = PendingDays ?? 0,
        ExpiryPolicy = ExpiryPolicy is null ? Programs.ExpiryPolicy.Never : Enum.Parse<ExpiryPolicy>(ExpiryPolicy, ignoreCase: true),
        ExpiryMonths = ExpiryMonths ?? 0,
        ReturnPolicy = ReturnPolicy is null ? Programs.ReturnPolicy.AllowDebt : Enum.Parse<ReturnPolicy>(ReturnPolicy, ignoreCase: true),
        RetroClaimDays = RetroClaimDays ?? 0,
    };
}

internal static partial class ProgramEndpoints
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,49}$")]
    internal static partial Regex CodePattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    internal static partial Regex CurrencyPattern();

    public static void MapProgramEndpoints(this RouteGroupBuilder api)
    {
        var programs = api.MapGroup("/programs");
        programs.MapGet("/", ListPrograms).RequireAuthorization(Policies.ViewPrograms).AllowForLimitedCallers();
        programs.MapGet("/{program}", GetProgram).RequireAuthorization(Policies.ViewPrograms).WithName("GetProgram");
        programs.MapPost("/", CreateProgram).RequireAuthorization(Policies.ManagePrograms).WithIdempotencyKey<MembersDbContext>()
            .WithExample("Create a loyalty program", new CreateProgramRequest(
                "coffee-club", "Coffee Club", "Europe/Berlin", "EUR", PointsPerCurrencyUnit: 1, BaseRateScope: "PerLine", PendingDays: 14,
                ExpiryPolicy: "RollingMonths", ExpiryMonths: 24, ReturnPolicy: "AllowDebt", RetroClaimDays: 30));
    }

    /// <summary>A key limited to programs sees only its own.</summary>
    private static async Task<Ok<List<LoyaltyProgramDto>>> ListPrograms(ClaimsPrincipal user, MembersDbContext db, CancellationToken cancellationToken)
    {
        var programs = await db.Programs.AsNoTracking().OrderBy(p => p.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(programs.Where(p => ProgramScope.Allows(user, p.Code)).Select(p => p.ToDto()).ToList());
    }

    /// <summary>The program with its ETag, for If-Match on changes of its settings.</summary>
    private static async Task<Results<Ok<LoyaltyProgramDto>, NotFound>> GetProgram(
        string program, HttpContext http, MembersDbContext db, CancellationToken cancellationToken)
    {
        var found = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == program, cancellationToken);
        if (found is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ProgramSettingsEndpoints.ETag(found);
        return TypedResults.Ok(found.ToDto());
    }

    /// <summary>Idempotent on the program code: repeating the same request returns the program already created.</summary>
    private static async Task<Results<CreatedAtRoute<LoyaltyProgramDto>, Ok<LoyaltyProgramDto>, ValidationProblem, Conflict<ProblemDetails>>> CreateProgram(
        CreateProgramRequest request, MembersDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var existing = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == request.Code, cancellationToken);
        if (existing is not null)
        {
            var requested = request.ToProgram(existing.Id, existing.CreatedAt);
            return requested.ToDto() == existing.ToDto()
                ? TypedResults.Ok(existing.ToDto())
                : TypedResults.Conflict(new ProblemDetails
                {
                    Title = "A program with this code exists with other settings.",
                    Detail = $"Program '{request.Code}' already exists; change it with an update, or choose another code.",
                    Status = StatusCodes.Status409Conflict,
                });
        }

        var program = await CreateAsync(db, audit, clock, request, cancellationToken);
        return TypedResults.CreatedAtRoute(program.ToDto(), "GetProgram", new { program = program.Code });
    }

    /// <summary>Creates a program with its audit entry and <see cref="LoyaltyProgramCreated"/> event, in one transaction.</summary>
    internal static async Task<LoyaltyProgram> CreateAsync(
        MembersDbContext db, AuditTrail audit, TimeProvider clock, CreateProgramRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var program = request.ToProgram(Guid.CreateVersion7(now), now);
        db.Programs.Add(program);
        audit.Record(db, "members.program.created", "program", program.Id.ToString(), program.ToDto());
        db.Publish(new LoyaltyProgramCreated(Guid.CreateVersion7(now), now, program.Id, program.Code, program.TimeZone, program.Currency));
        await db.SaveChangesAsync(cancellationToken);
        return program;
    }
}
