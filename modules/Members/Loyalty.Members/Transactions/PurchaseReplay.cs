using System.Runtime.CompilerServices;
using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Members.Tiers;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Transactions;

/// <summary>
/// Answers <see cref="IPurchaseReplay"/> from the program's transactions, a page at a time by (occurred, id), so a long
/// replay never holds more than one page and its members.
/// </summary>
internal sealed class PurchaseReplay(MembersDbContext db, TierEvaluation tiers) : IPurchaseReplay
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<EarningRequest> PurchasesAsync(
        string programCode, DateTimeOffset from, DateTimeOffset until, int limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().SingleOrDefaultAsync(p => p.Code == programCode, cancellationToken);
        if (program is null || limit <= 0)
        {
            yield break;
        }

        var settings = await tiers.SettingsAsync(program.Id, cancellationToken);
        var members = new Dictionary<Guid, Member?>();
        var given = 0;
        // The next page starts at the last time seen, leaving out the purchases of that very time already given.
        var since = from;
        var seenAtSince = new List<Guid>();
        while (given < limit)
        {
            var start = since;
            var seen = seenAtSince;
            var page = await db.Transactions.AsNoTracking().Include(t => t.Lines)
                .Where(t => t.ProgramId == program.Id && t.Type == TransactionType.Purchase && t.OccurredAt >= start && t.OccurredAt < until && !seen.Contains(t.Id))
                .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id)
                .Take(Math.Min(PageSize, limit - given))
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                yield break;
            }

            var last = page[^1].OccurredAt;
            seenAtSince = last == since ? [.. seenAtSince, .. page.Select(t => t.Id)] : [.. page.Where(t => t.OccurredAt == last).Select(t => t.Id)];
            since = last;

            var missing = page.Select(t => t.MemberId).Where(m => !members.ContainsKey(m)).Distinct().ToList();
            foreach (var member in await db.Members.AsNoTracking().Where(m => missing.Contains(m.Id)).ToListAsync(cancellationToken))
            {
                members[member.Id] = member;
            }

            foreach (var transaction in page)
            {
                if (members.GetValueOrDefault(transaction.MemberId) is not { Status: MemberStatus.Active } member)
                {
                    members[transaction.MemberId] = null;
                    continue;
                }

                transaction.Lines.Sort((a, b) => a.LineNumber.CompareTo(b.LineNumber));
                var tierCode = member.TierState?.TierCode;
                given++;
                yield return TransactionRecorder.EarningRequestFor(program, member, tierCode, settings.EarningMultiplierOf(tierCode), transaction);
            }
        }
    }
}
