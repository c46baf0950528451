using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Referrals;

internal sealed record ReferralDto(Guid Id, Guid ReferrerId, Guid ReferredId, string Status, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset CompleteBy, DateTimeOffset? ResolvedAt)
{
    public static ReferralDto From(Referral r) => new(
        r.Id, r.ReferrerId, r.ReferredId, r.Status.ToString().ToLowerInvariant(), r.Reason, r.CreatedAt, r.CompleteBy, r.ResolvedAt);
}

internal sealed record MemberReferralsDto(Guid MemberId, string Code, string Link, IReadOnlyList<ReferralDto> Referrals);

internal static class ReferralEndpoints
{
    public static void MapReferralEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/programs/{program}/members/{memberId:guid}/referrals", ForMember).RequireAuthorization(Policies.ViewPrograms);
        api.MapGet("/programs/{program}/referrals", List).RequireAuthorization(Policies.ViewPrograms);
    }

    private static async Task<Results<Ok<MemberReferralsDto>, NotFound>> ForMember(
        string program, Guid memberId, CampaignsDbContext db, ReferralCodes codes, IActivityPoints members, IOptions<ReferralOptions> options,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await members.FindAsync(program, memberId, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var code = await codes.EnsureAsync(program, memberId, cancellationToken);
        var referrals = await db.Referrals.Where(r => r.Program == program && r.ReferrerId == memberId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var referral in referrals)
        {
            referral.ExpireIfDue(now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new MemberReferralsDto(memberId, code.Code, options.Value.LinkFor(code.Code), referrals.Select(ReferralDto.From).ToList()));
    }

    private static async Task<Results<Ok<List<ReferralDto>>, ValidationProblem>> List(
        string program, string? status, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        ReferralStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<ReferralStatus>(status, true, out var parsed) || !Enum.IsDefined(parsed) || status.Any(char.IsDigit))
            {
                return new ValidationErrors().Check(false, "status", "Use pending, completed, expired or refused.").ToProblem();
            }

            wanted = parsed;
        }

        var referrals = await db.Referrals.Where(r => r.Program == program).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Take(1000).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var referral in referrals)
        {
            referral.ExpireIfDue(now);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(referrals.Where(r => wanted is null || r.Status == wanted).Select(ReferralDto.From).ToList());
    }
}
