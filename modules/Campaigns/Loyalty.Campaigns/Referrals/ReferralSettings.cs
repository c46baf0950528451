using System.Text.Json.Serialization;
using Loyalty.Campaigns.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Referrals;

/// <summary>
/// A program's referral settings; a program without a row has the <c>Referrals</c> configuration's window and cap with
/// every check on. A referral from the member's own code, or involving a closed or suspended member, is always refused.
/// </summary>
internal sealed class ReferralSettings
{
    public required string Program { get; init; }

    /// <summary>Days after the referred member's enrolment in which their first qualifying purchase completes the referral.</summary>
    public int CompletionWindowDays { get; set; }

    /// <summary>Referrals a referrer may start per calendar month (UTC); more are refused with <c>monthlyCap</c>.</summary>
    public int MonthlyCapPerReferrer { get; set; }

    /// <summary>Refuse when referrer and referred share an email or phone number (<c>sameContact</c>).</summary>
    public bool CheckSameContact { get; set; } = true;

    /// <summary>Refuse when the referred member paid with a means of payment the referrer used (<c>samePaymentFingerprint</c>).</summary>
    public bool CheckPaymentFingerprint { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public static async Task<ReferralSettings> ForProgramAsync(CampaignsDbContext db, ReferralOptions defaults, string program, CancellationToken cancellationToken) =>
        await db.ReferralSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Program == program, cancellationToken)
        ?? new ReferralSettings { Program = program, CompletionWindowDays = defaults.CompletionWindowDays, MonthlyCapPerReferrer = defaults.MonthlyCapPerReferrer };

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<ReferralSettings>(settings =>
    {
        settings.ToTable("ReferralSettings");
        settings.HasKey(s => s.Program);
        settings.Property(s => s.Program).HasMaxLength(50);
    });
}

/// <summary>The abuse checks a program may switch off; refusing one's own code and inactive members cannot be switched off.</summary>
internal static class ReferralChecks
{
    public const string SameContact = "sameContact";
    public const string PaymentFingerprint = "paymentFingerprint";
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ReferralSettingsDto(int? CompletionWindowDays, int? MonthlyCapPerReferrer, IReadOnlyList<string>? Checks)
{
    public static ReferralSettingsDto From(ReferralSettings s) => new(
        s.CompletionWindowDays, s.MonthlyCapPerReferrer,
        [.. new[] { (s.CheckSameContact, ReferralChecks.SameContact), (s.CheckPaymentFingerprint, ReferralChecks.PaymentFingerprint) }.Where(c => c.Item1).Select(c => c.Item2)]);
}

internal static class ReferralSettingsEndpoints
{
    public static void MapReferralSettingsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/programs/{program}/referral-settings", Get).RequireAuthorization(Policies.ViewPrograms);
        api.MapPut("/programs/{program}/referral-settings", Put).RequireAuthorization(Policies.ManagePrograms)
            .WithExample("Set the referral window, the cap per referrer per month and the abuse checks", new ReferralSettingsDto(14, 5, [ReferralChecks.SameContact, ReferralChecks.PaymentFingerprint]));
    }

    private static async Task<Ok<ReferralSettingsDto>> Get(string program, CampaignsDbContext db, IOptions<ReferralOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok(ReferralSettingsDto.From(await ReferralSettings.ForProgramAsync(db, options.Value, program, cancellationToken)));

    /// <summary>Applies to referrals recorded from now on (the window) and to every referral completed from now on (the checks).</summary>
    private static async Task<Results<Ok<ReferralSettingsDto>, ValidationProblem>> Put(
        string program, ReferralSettingsDto request, CampaignsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var checks = request.Checks ?? [];
        var errors = new ValidationErrors()
            .Check(program.Length <= 50, "program", "A program code has at most 50 characters.")
            .Check(request.CompletionWindowDays is >= 1 and <= 365, "completionWindowDays", "Give 1 to 365 days for the first qualifying purchase.")
            .Check(request.MonthlyCapPerReferrer is >= 1 and <= 10_000, "monthlyCapPerReferrer", "Give 1 to 10,000 referrals per referrer and month.")
            .Check(request.Checks is not null, "checks", "List the abuse checks to apply: sameContact, paymentFingerprint, or none ([]).")
            .Check(checks.All(c => c is ReferralChecks.SameContact or ReferralChecks.PaymentFingerprint) && checks.Distinct().Count() == checks.Count, "checks", "Use sameContact and paymentFingerprint, each at most once.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var settings = await db.ReferralSettings.SingleOrDefaultAsync(s => s.Program == program, cancellationToken);
        if (settings is null)
        {
            settings = new ReferralSettings { Program = program };
            db.ReferralSettings.Add(settings);
        }

        settings.CompletionWindowDays = request.CompletionWindowDays!.Value;
        settings.MonthlyCapPerReferrer = request.MonthlyCapPerReferrer!.Value;
        settings.CheckSameContact = checks.Contains(ReferralChecks.SameContact);
        settings.CheckPaymentFingerprint = checks.Contains(ReferralChecks.PaymentFingerprint);
        settings.UpdatedAt = clock.GetUtcNow();
        audit.Record(db, "campaigns.referral-settings.changed", "program", program, request);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ReferralSettingsDto.From(settings));
    }
}
