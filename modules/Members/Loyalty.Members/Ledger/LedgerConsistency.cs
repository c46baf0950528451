using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

/// <summary>
/// Checks the two invariants the ledger keeps exactly, with one grouped query each:
/// available + pending = the sum of the account's entries (releasing pending points moves them without an entry),
/// and pending = what is left of the lots not yet released.
/// </summary>
internal sealed class LedgerConsistency(MembersDbContext db) : ILedgerConsistency
{
    public async Task<IReadOnlyList<LedgerMismatch>> CheckAsync(string? programCode, CancellationToken cancellationToken)
    {
        var accounts = db.PointsAccounts.AsNoTracking();
        if (programCode is not null)
        {
            accounts = accounts.Where(a => db.Programs.Any(p => p.Id == a.ProgramId && p.Code == programCode));
        }

        var entrySums = await db.LedgerEntries.AsNoTracking()
            .GroupBy(e => e.AccountId)
            .Select(g => new { AccountId = g.Key, Sum = g.Sum(e => e.Points) })
            .ToDictionaryAsync(x => x.AccountId, x => x.Sum, cancellationToken);
        var pendingSums = await db.PointsLots.AsNoTracking()
            .Where(l => !l.Released)
            .GroupBy(l => l.AccountId)
            .Select(g => new { AccountId = g.Key, Sum = g.Sum(l => l.Remaining) })
            .ToDictionaryAsync(x => x.AccountId, x => x.Sum, cancellationToken);

        var mismatches = new List<LedgerMismatch>();
        await foreach (var account in accounts.OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var entries = entrySums.GetValueOrDefault(account.Id);
            var pending = pendingSums.GetValueOrDefault(account.Id);
            var problems = new List<string>();
            if (account.Available + account.Pending != entries)
            {
                problems.Add($"available + pending is {account.Available + account.Pending}, the entries add up to {entries}");
            }

            if (account.Pending != pending)
            {
                problems.Add($"pending is {account.Pending}, the unreleased lots hold {pending}");
            }

            if (problems.Count > 0)
            {
                mismatches.Add(new LedgerMismatch(account.Id, account.MemberId, account.Currency, account.Available, account.Pending, entries, pending, string.Join("; ", problems)));
            }
        }

        return mismatches;
    }
}
