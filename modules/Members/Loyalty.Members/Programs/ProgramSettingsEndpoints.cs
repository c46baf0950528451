using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Programs;

/// <param name="PointsPerCurrencyUnit">Points per whole unit of the program's currency, above 0 and at most 10,000.</param>
/// <param name="BaseRateScope"><c>PerLine</c> or <c>PerTransaction</c>.</param>
internal sealed record ChangeBaseRateRequest(decimal? PointsPerCurrencyUnit, string? BaseRateScope)
{
    public ValidationErrors Validate() => new ValidationErrors()
        .Check(PointsPerCurrencyUnit is > 0 and <= 10_000, "pointsPerCurrencyUnit", "Give a rate above 0, at most 10,000.")
        .Check(PointsPerCurrencyUnit is not { } rate || decimal.Round(rate, 6) == rate, "pointsPerCurrencyUnit", "Give at most 6 decimal places.")
        .Check(BaseRateScope is not null && Enum.TryParse<BaseRateScope>(BaseRateScope, ignoreCase: true, out _), "baseRateScope", "Use PerLine or PerTransaction.");
}

/// <param name="ExpiryPolicy"><c>Never</c>, <c>RollingMonths</c> or <c>EndOfFollowingYear</c>.</param>
/// <param name="ExpiryMonths">For <c>RollingMonths</c>, 1 to 120; otherwise left out (or 0).</param>
internal sealed record ChangeExpiryRequest(string? ExpiryPolicy, int? ExpiryMonths)
{
    public ValidationErrors Validate()
    {
        var known = Enum.TryParse<ExpiryPolicy>(ExpiryPolicy, ignoreCase: true, out var policy) && Enum.IsDefined(policy) && !int.TryParse(ExpiryPolicy, out _);
        return new ValidationErrors()
            .Check(known, "expiryPolicy", "Use Never, RollingMonths or EndOfFollowingYear.")
            .Check(!known || policy != Programs.ExpiryPolicy.RollingMonths || ExpiryMonths is >= 1 and <= 120, "expiryMonths", "Rolling expiry needs 1 to 120 months.")
            .Check(!known || policy == Programs.ExpiryPolicy.RollingMonths || ExpiryMonths is null or 0, "expiryMonths", "Only rolling expiry takes months; leave them out.");
    }
}

/// <summary>
/// Changes a program's base earning rate and its expiry policy after it was created. Both need <c>If-Match</c> with
/// the program's ETag (from <c>GET …/programs/{program}</c>), so two admins cannot overwrite each other unseen.
/// The program's currency and its ledger currencies stay as created: amounts, balances and rewards are kept in them.
/// </summary>
internal static class ProgramSettingsEndpoints
{
    public static void MapProgramSettingsEndpoints(this RouteGroupBuilder api)
    {
        var programs = api.MapGroup("/programs/{program}").RequireAuthorization(Policies.ManagePrograms);
        programs.MapPut("/base-rate", ChangeBaseRate)
            .WithExample("Change the base earning rate, for purchases from now on (send If-Match with the program's ETag)", new ChangeBaseRateRequest(2m, "PerLine"));
        programs.MapPut("/expiry", ChangeExpiry)
            .WithExample("Change the expiry policy, for points earned from now on (send If-Match with the program's ETag)", new ChangeExpiryRequest("RollingMonths", 36));
    }

    /// <summary>
    /// The program's settings as an HTTP entity tag: any change of them changes it. The rate is normalised
    /// (<c>2.5</c> and PostgreSQL's <c>2.500000</c> are one value), so the tag is the same whichever node or database answers.
    /// </summary>
    public static string ETag(LoyaltyProgram program)
    {
        var settings = JsonSerializer.Serialize(new object[]
        {
            program.Id, program.Code, program.Name, program.TimeZone, program.Currency, program.PointsCurrency, program.QualifyingCurrency,
            (program.PointsPerCurrencyUnit / 1.000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture),
            program.BaseRateScope.ToString(), program.PendingDays, program.ExpiryPolicy.ToString(), program.ExpiryMonths, program.ReturnPolicy.ToString(), program.RetroClaimDays,
        });
        return $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)))[..20]}\"";
    }

    private static async Task<Results<Ok<LoyaltyProgramDto>, ProblemHttpResult, ValidationProblem>> ChangeBaseRate(
        string program, ChangeBaseRateRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, HttpContext http, MembersDbContext db,
        ProgramCache cache, AuditTrail audit, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var rate = request.PointsPerCurrencyUnit!.Value;
        var scope = Enum.Parse<BaseRateScope>(request.BaseRateScope!, ignoreCase: true);
        return await ChangeAsync(program, ifMatch, http, db, cache, audit, "members.program.base-rate-changed",
            p => p.PointsPerCurrencyUnit == rate && p.BaseRateScope == scope,
            p => { p.PointsPerCurrencyUnit = rate; p.BaseRateScope = scope; },
            (before, after) => new { from = new { before.PointsPerCurrencyUnit, BaseRateScope = before.BaseRateScope.ToString() }, to = new { after.PointsPerCurrencyUnit, BaseRateScope = after.BaseRateScope.ToString() } },
            cancellationToken);
    }

    /// <summary>Lots already earned keep the expiry they were given; the new policy applies to points earned from now on.</summary>
    private static async Task<Results<Ok<LoyaltyProgramDto>, ProblemHttpResult, ValidationProblem>> ChangeExpiry(
        string program, ChangeExpiryRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, HttpContext http, MembersDbContext db,
        ProgramCache cache, AuditTrail audit, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var policy = Enum.Parse<ExpiryPolicy>(request.ExpiryPolicy!, ignoreCase: true);
        var months = policy == ExpiryPolicy.RollingMonths ? request.ExpiryMonths!.Value : 0;
        return await ChangeAsync(program, ifMatch, http, db, cache, audit, "members.program.expiry-changed",
            p => p.ExpiryPolicy == policy && p.ExpiryMonths == months,
            p => { p.ExpiryPolicy = policy; p.ExpiryMonths = months; },
            (before, after) => new { from = new { ExpiryPolicy = before.ExpiryPolicy.ToString(), before.ExpiryMonths }, to = new { ExpiryPolicy = after.ExpiryPolicy.ToString(), after.ExpiryMonths } },
            cancellationToken);
    }

    /// <summary>
    /// Writes the change only if the program's settings are still the ones the ETag was made of: the update's condition
    /// names every setting, so of two concurrent writes with the same ETag one wins and the other gets 412.
    /// The change and its audit entry are one transaction.
    /// </summary>
    private static async Task<Results<Ok<LoyaltyProgramDto>, ProblemHttpResult, ValidationProblem>> ChangeAsync(
        string code, string? ifMatch, HttpContext http, MembersDbContext db, ProgramCache cache, AuditTrail audit, string action,
        Func<LoyaltyProgram, bool> unchanged, Action<LoyaltyProgram> apply, Func<LoyaltyProgram, LoyaltyProgram, object> details, CancellationToken cancellationToken)
    {
        if (ifMatch is null)
        {
            return TypedResults.Problem(title: "If-Match is required.", detail: "Send the program's ETag in If-Match, so a concurrent change is not overwritten.", statusCode: StatusCodes.Status428PreconditionRequired);
        }

        var before = await db.FindProgramAsync(code, cancellationToken);
        if (before is null)
        {
            return ProgramLookup.UnknownProgram(code);
        }

        if (ifMatch != ETag(before))
        {
            return StaleWrite();
        }

        var after = await db.FindProgramAsync(code, cancellationToken) ?? before;
        if (!unchanged(before))
        {
            apply(after);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var written = await db.Programs
                .Where(p => p.Id == before.Id && p.PointsPerCurrencyUnit == before.PointsPerCurrencyUnit && p.BaseRateScope == before.BaseRateScope
                    && p.ExpiryPolicy == before.ExpiryPolicy && p.ExpiryMonths == before.ExpiryMonths)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(p => p.PointsPerCurrencyUnit, after.PointsPerCurrencyUnit)
                    .SetProperty(p => p.BaseRateScope, after.BaseRateScope)
                    .SetProperty(p => p.ExpiryPolicy, after.ExpiryPolicy)
                    .SetProperty(p => p.ExpiryMonths, after.ExpiryMonths), cancellationToken);
            if (written == 0)
            {
                return StaleWrite();
            }

            audit.Record(db, action, "program", before.Id.ToString(), details(before, after));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            cache.Forget(code);
            // As stored (PostgreSQL keeps the rate to 6 places), so the answer's ETag is the one a GET gives.
            after = await db.FindProgramAsync(code, cancellationToken) ?? after;
        }

        http.Response.Headers.ETag = ETag(after);
        return TypedResults.Ok(after.ToDto());
    }

    private static ProblemHttpResult StaleWrite() =>
        TypedResults.Problem(title: "The program changed since you read it.", detail: "Read the program again and repeat the change with its new ETag.", statusCode: StatusCodes.Status412PreconditionFailed);
}
