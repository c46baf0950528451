using Loyalty.Consent.Persistence;
using Loyalty.Consent.Purposes;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Consents;

/// <param name="Granted">Members whose current grant on a channel is of this version and locale.</param>
/// <param name="ReconsentNeeded">Of those, the ones whose grant no longer counts because a later version changed the purpose.</param>
internal sealed record VersionCountDto(int TextVersion, string Locale, bool MaterialChange, int Granted, int ReconsentNeeded);

/// <param name="Counting">Members with at least one channel on which their consent counts now.</param>
/// <param name="ReconsentNeeded">Members with a grant that stopped counting at the last material change, to be asked again.</param>
/// <param name="Withdrawn">Members whose latest record on every channel they used is a withdrawal.</param>
internal sealed record ConsentReportDto(
    string Purpose, int LatestVersion, int ValidFromVersion, int Counting, int ReconsentNeeded, int Withdrawn, IReadOnlyList<VersionCountDto> Versions);

internal sealed record ReportMemberDto(Guid MemberId, string? Channel, int TextVersion, string Locale, bool Counts, bool ReconsentNeeded, DateTimeOffset OccurredAt);

/// <param name="Next">The <c>after</c> of the next page; null on the last.</param>
internal sealed record ReportMemberPage(IReadOnlyList<ReportMemberDto> Items, Guid? Next);

/// <summary>
/// Who consented under which text version of a purpose, from each member's current state (the latest record per
/// channel, as the gate reads it), so the DPO can show an auditor which text a consent rests on and whom to ask again.
/// </summary>
internal static class ConsentReports
{
    public static void MapConsentReportEndpoints(this RouteGroupBuilder api)
    {
        var report = api.MapGroup("/programs/{program}/purposes/{key}/report").RequireAuthorization(Policies.ProtectData);
        report.MapGet("/", Summary);
        report.MapGet("/members", Members);
    }

    private static async Task<Results<Ok<ConsentReportDto>, ProblemHttpResult>> Summary(
        string program, string key, ILoyaltyPrograms programs, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var (purpose, problem) = await FindPurposeAsync(program, key, programs, db, cancellationToken);
        if (purpose is null)
        {
            return problem!;
        }

        var states = await CurrentGrantsAsync(db, purpose, after: null, cancellationToken);
        var material = purpose.Texts.GroupBy(t => t.Version).ToDictionary(g => g.Key, g => g.First().MaterialChange);
        var versions = states.Where(s => s.Latest.Granted)
            .GroupBy(s => (Version: s.Latest.TextVersion!.Value, Locale: s.Latest.Locale!))
            .OrderByDescending(g => g.Key.Version).ThenBy(g => g.Key.Locale, StringComparer.Ordinal)
            .Select(g => new VersionCountDto(
                g.Key.Version, g.Key.Locale, material.GetValueOrDefault(g.Key.Version),
                g.Select(s => s.MemberId).Distinct().Count(), g.Where(s => s.ReconsentNeeded).Select(s => s.MemberId).Distinct().Count()))
            .ToList();
        var byMember = states.GroupBy(s => s.MemberId).ToList();
        return TypedResults.Ok(new ConsentReportDto(
            purpose.Key, purpose.LatestVersion, purpose.ValidFromVersion,
            byMember.Count(m => m.Any(s => s.Counts)),
            byMember.Count(m => m.Any(s => s.ReconsentNeeded)),
            byMember.Count(m => m.All(s => !s.Latest.Granted)),
            versions));
    }

    /// <summary>The members behind the counts, by member id; <c>reconsentNeeded=true</c> is the list to ask again.</summary>
    private static async Task<Results<Ok<ReportMemberPage>, ValidationProblem, ProblemHttpResult>> Members(
        string program, string key, int? version, string? locale, bool? reconsentNeeded, Guid? after, int? limit,
        ILoyaltyPrograms programs, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? 100;
        var errors = new ValidationErrors()
            .Check(size is >= 1 and <= 1000, "limit", "Give 1 to 1000.")
            .Check(version is null or >= 1, "version", "Give a published version, 1 or more.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (purpose, problem) = await FindPurposeAsync(program, key, programs, db, cancellationToken);
        if (purpose is null)
        {
            return problem!;
        }

        var matching = (await CurrentGrantsAsync(db, purpose, after, cancellationToken))
            .Where(s => s.Latest.Granted
                && (version is null || s.Latest.TextVersion == version)
                && (locale is null || s.Latest.Locale == locale)
                && (reconsentNeeded is null || s.ReconsentNeeded == reconsentNeeded))
            .ToList();
        var members = matching.Select(s => s.MemberId).Distinct().Take(size + 1).ToList();
        var shown = members.Take(size).ToHashSet();
        var items = matching.Where(s => shown.Contains(s.MemberId)).Select(s => new ReportMemberDto(
            s.MemberId, s.Channel == ConsentRecord.AnyChannel ? null : s.Channel, s.Latest.TextVersion!.Value, s.Latest.Locale!, s.Counts, s.ReconsentNeeded, s.Latest.OccurredAt)).ToList();
        return TypedResults.Ok(new ReportMemberPage(items, members.Count > size ? members[size - 1] : null));
    }

    private static async Task<(Purpose? Purpose, ProblemHttpResult? Problem)> FindPurposeAsync(
        string program, string key, ILoyaltyPrograms programs, ConsentDbContext db, CancellationToken cancellationToken)
    {
        var (found, problem) = await PurposeEndpoints.ResolveAsync(programs, program, cancellationToken);
        if (found is null)
        {
            return (null, problem);
        }

        var purpose = await db.Purposes.AsNoTracking().Include(p => p.Texts).SingleOrDefaultAsync(p => p.ProgramId == found.Id && p.Key == key, cancellationToken);
        return purpose is null ? (null, PurposeEndpoints.UnknownPurpose(key)) : (purpose, null);
    }

    /// <summary>The latest record of every member and channel of the purpose, in member id order, after <paramref name="after"/>.</summary>
    private static async Task<List<ChannelState>> CurrentGrantsAsync(ConsentDbContext db, Purpose purpose, Guid? after, CancellationToken cancellationToken)
    {
        var query = db.ConsentRecords.AsNoTracking().Where(r => r.PurposeId == purpose.Id);
        query = after is { } a ? query.Where(r => r.MemberId.CompareTo(a) > 0) : query;
        // Ordered by the database, so pages follow the same Guid order as the after filter.
        var records = await query.OrderBy(r => r.MemberId).ToListAsync(cancellationToken);
        return [.. records.GroupBy(r => r.MemberId)
            .SelectMany(member => member.Select(r => r.Channel).Distinct().Order(StringComparer.Ordinal).Select(channel =>
            {
                var latest = ConsentState.Latest(member, channel)!;
                var counts = ConsentState.Counts(latest.Granted, latest.TextVersion, purpose.ValidFromVersion);
                return new ChannelState(member.Key, channel, latest, counts, latest.Granted && !counts);
            }))];
    }

    private sealed record ChannelState(Guid MemberId, string Channel, ConsentRecord Latest, bool Counts, bool ReconsentNeeded);
}
