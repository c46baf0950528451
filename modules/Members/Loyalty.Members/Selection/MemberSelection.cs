using System.Linq.Expressions;
using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Loyalty.Members.Selection;

/// <summary>
/// Answers <see cref="IMemberSelection"/> by translating the condition tree into one predicate over
/// <see cref="Member"/>, with correlated subqueries on purchases, points accounts, tiers and the ledger, which EF Core
/// turns into one SQL statement: the database does the work, and its indexes by member serve the subqueries.
/// </summary>
internal sealed class MemberSelection(MembersDbContext db, TimeProvider clock) : IMemberSelection
{
    public async Task<Guid?> ProgramIdAsync(string programCode, CancellationToken cancellationToken) =>
        (await db.FindProgramAsync(programCode, cancellationToken))?.Id;

    /// <summary>
    /// A selection over a million members takes longer than the drivers' default of 30 s (measured: 30 s and more on
    /// PostgreSQL, docs/benchmarks.md "Segment evaluation"), and the caller is a job or a preview that waits for it.
    /// </summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    public async Task<int> CountAsync(MemberSelectionQuery query, CancellationToken cancellationToken) =>
        await WithLongTimeoutAsync(async () => await (await SelectAsync(query, cancellationToken)).CountAsync(cancellationToken));

    public async Task<IReadOnlyList<Guid>> MemberIdsAsync(MemberSelectionQuery query, Guid? after, int limit, CancellationToken cancellationToken) =>
        await WithLongTimeoutAsync(async () =>
        {
            var members = await SelectAsync(query, cancellationToken);
            if (after is { } last)
            {
                members = members.Where(m => m.Id.CompareTo(last) > 0);
            }

            return (IReadOnlyList<Guid>)await members.OrderBy(m => m.Id).Select(m => m.Id).Take(limit).ToListAsync(cancellationToken);
        });

    public async Task<MemberList> ResolveAsync(
        string programCode, IReadOnlyCollection<Guid> memberIds, IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        var program = await db.FindProgramAsync(programCode, cancellationToken);
        if (program is null)
        {
            return new MemberList([], [.. Enumerable.Range(0, memberIds.Count)], [.. Enumerable.Range(0, emails.Count)]);
        }

        var found = new HashSet<Guid>();
        foreach (var chunk in memberIds.Distinct().Chunk(1_000))
        {
            found.UnionWith(await db.Members.AsNoTracking().Where(m => m.ProgramId == program.Id && chunk.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken));
        }

        var byEmail = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in emails.Select(e => e.Trim().ToLowerInvariant()).Distinct().Chunk(1_000))
        {
            foreach (var member in await db.Members.AsNoTracking()
                         .Where(m => m.ProgramId == program.Id && m.NormalizedEmail != null && chunk.Contains(m.NormalizedEmail))
                         .Select(m => new { m.Id, m.NormalizedEmail }).ToListAsync(cancellationToken))
            {
                byEmail[member.NormalizedEmail!] = member.Id;
            }
        }

        var ids = new List<Guid>();
        var seen = new HashSet<Guid>();
        var unknownIds = new List<int>();
        var unknownEmails = new List<int>();
        var index = 0;
        foreach (var id in memberIds)
        {
            if (!found.Contains(id))
            {
                unknownIds.Add(index);
            }
            else if (seen.Add(id))
            {
                ids.Add(id);
            }

            index++;
        }

        index = 0;
        foreach (var email in emails)
        {
            if (!byEmail.TryGetValue(email.Trim().ToLowerInvariant(), out var id))
            {
                unknownEmails.Add(index);
            }
            else if (seen.Add(id))
            {
                ids.Add(id);
            }

            index++;
        }

        return new MemberList(ids, unknownIds, unknownEmails);
    }

    /// <summary>Runs <paramref name="query"/> with <see cref="CommandTimeout"/>; the context's other commands keep theirs.</summary>
    private async Task<T> WithLongTimeoutAsync<T>(Func<Task<T>> query)
    {
        var before = db.Database.GetCommandTimeout();
        db.Database.SetCommandTimeout(CommandTimeout);
        try
        {
            return await query();
        }
        finally
        {
            db.Database.SetCommandTimeout(before);
        }
    }

    private async Task<IQueryable<Member>> SelectAsync(MemberSelectionQuery query, CancellationToken cancellationToken)
    {
        var program = await db.FindProgramAsync(query.ProgramCode, cancellationToken)
            ?? throw new ArgumentException($"There is no program '{query.ProgramCode}'.", nameof(query));
        var programId = program.Id;
        var members = db.Members.AsNoTracking().Where(m => m.ProgramId == programId && m.Status == MemberStatus.Active);
        if (query.Excluding.Count > 0)
        {
            var excluded = query.Excluding.ToArray();
            members = members.Where(m => !excluded.Contains(m.Id));
        }

        return members.Where(new Translation(db, program, clock.GetUtcNow()).Predicate(query.Condition));
    }

    /// <summary>One condition tree into one predicate; every part uses the same parameter, so parts combine as expressions.</summary>
    private sealed class Translation(MembersDbContext db, LoyaltyProgram program, DateTimeOffset now)
    {
        private static readonly ParameterExpression Member = Expression.Parameter(typeof(Member), "m");

        public Expression<Func<Member, bool>> Predicate(MemberCondition condition) =>
            Expression.Lambda<Func<Member, bool>>(Body(condition), Member);

        private Expression Body(MemberCondition c)
        {
            if (c.All is { } all)
            {
                return all.Select(Body).Aggregate(Expression.AndAlso);
            }

            if (c.Any is { } any)
            {
                return any.Select(Body).Aggregate(Expression.OrElse);
            }

            if (c.Not is { } not)
            {
                return Expression.Not(Body(not));
            }

            if (c.Age is { } age)
            {
                // Age a at today's date: born on or before today - a years; under a + 1: born after today - (a + 1) years.
                var today = DateOnly.FromDateTime(now.UtcDateTime);
                DateOnly? latest = age.Min is { } min ? today.AddYears(-(int)min) : null;
                DateOnly? earliest = age.Max is { } max ? today.AddYears(-(int)max - 1) : null;
                return Of(m => m.BirthDate != null && (latest == null || m.BirthDate <= latest) && (earliest == null || m.BirthDate > earliest));
            }

            if (c.Locale is { } locales)
            {
                // de matches de and de-DE.
                return AnyOf(locales, l =>
                {
                    var prefix = l + "-";
                    return m => m.Locale == l || m.Locale!.StartsWith(prefix);
                });
            }

            if (c.City is { } cities)
            {
                var lowered = cities.Select(x => x.ToLowerInvariant()).ToArray();
#pragma warning disable CA1304, CA1311 // runs as the database's lower(), which EF Core translates only from ToLower()
                return Of(m => m.Address.City != null && lowered.Contains(m.Address.City.ToLower()));
#pragma warning restore CA1304, CA1311
            }

            if (c.PostalCode is { } postalCodes)
            {
                return AnyOf(postalCodes, p => m => m.Address.PostalCode!.StartsWith(p));
            }

            if (c.DaysSinceEnrollment is { } enrolled)
            {
                var (after, notAfter) = DaysAgo(enrolled);
                return Of(m => (after == null || m.EnrolledAt > after) && (notAfter == null || m.EnrolledAt <= notAfter));
            }

            if (c.Purchases is { } purchases)
            {
                var since = Since(purchases.WithinDays);
                var (min, max) = (purchases.Min, purchases.Max);
                var transactions = db.Transactions;
                Expression<Func<Member, long>> count = m => transactions.LongCount(t =>
                    t.MemberId == m.Id && t.Type == TransactionType.Purchase && (since == null || t.OccurredAt >= since));
                return Between(count, min, max);
            }

            if (c.DaysSinceLastPurchase is { } lastPurchase)
            {
                // The last purchase lies in the window when one is after its start and none after its end.
                var (after, notAfter) = DaysAgo(lastPurchase);
                var transactions = db.Transactions;
                return Of(m =>
                    transactions.Any(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase && (after == null || t.OccurredAt > after))
                    && (notAfter == null || !transactions.Any(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase && t.OccurredAt > notAfter)));
            }

            if (c.AverageOrderValue is { } average)
            {
                // sum >= min × count and sum <= max × count: the average without division or floating point.
                var (min, max) = (average.Min, average.Max);
                var transactions = db.Transactions;
                return Of(m =>
                    transactions.Any(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase)
                    && (min == null || transactions.Where(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase).Sum(t => t.TotalMinor)
                        >= min * transactions.Where(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase).LongCount())
                    && (max == null || transactions.Where(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase).Sum(t => t.TotalMinor)
                        <= max * transactions.Where(t => t.MemberId == m.Id && t.Type == TransactionType.Purchase).LongCount()));
            }

            if (c.CategoriesBought is { Categories: { } categories } bought)
            {
                var since = Since(bought.WithinDays);
                var wanted = categories.ToArray();
                var transactions = db.Transactions;
                return Of(m => transactions.Any(t =>
                    t.MemberId == m.Id && t.Type == TransactionType.Purchase && (since == null || t.OccurredAt >= since)
                    && t.Lines.Any(l => l.Category != null && wanted.Contains(l.Category))));
            }

            if (c.PointsBalance is { } balance)
            {
                var currency = program.PointsCurrency;
                var accounts = db.PointsAccounts;
                Expression<Func<Member, long>> available = m => accounts.Where(a => a.MemberId == m.Id && a.Currency == currency).Sum(a => a.Available);
                return Between(available, balance.Min, balance.Max);
            }

            if (c.Tier is { } tiers)
            {
                var codes = tiers.ToArray();
                var memberTiers = db.MemberTiers;
                return Of(m => memberTiers.Any(t => t.MemberId == m.Id && codes.Contains(t.TierCode)));
            }

            if (c.Redemptions is { } redemptions)
            {
                var since = Since(redemptions.WithinDays);
                var entries = db.LedgerEntries;
                Expression<Func<Member, long>> count = m => entries.LongCount(e =>
                    e.MemberId == m.Id && e.Type == LedgerEntryType.Redemption && e.Points < 0 && (since == null || e.CreatedAt >= since));
                return Between(count, redemptions.Min, redemptions.Max);
            }

            if (c.LifetimeSpend is { } spend)
            {
                var transactions = db.Transactions;
                Expression<Func<Member, long>> spent = m => transactions.Where(t => t.MemberId == m.Id)
                    .Sum(t => t.Type == TransactionType.Purchase ? t.TotalMinor : -t.TotalMinor);
                return Between(spent, spend.Min, spend.Max);
            }

            if (c.Attribute is { Key: { } key, EqualTo: { } value })
            {
                return Of(AttributeEquals(key, value));
            }

            throw new ArgumentException("A condition sets none of its fields.", nameof(c));
        }

        /// <summary>
        /// Attributes are one JSON object in a text column, written by <see cref="JsonSerializer"/> with its default
        /// escaping; the same serializer writes the searched <c>"key":"value"</c>, so a quote inside a value (escaped
        /// there) never makes a false match. The match runs as LIKE in the database, in a subquery on the members' table.
        /// </summary>
        private Expression<Func<Member, bool>> AttributeEquals(string key, string value)
        {
            var entity = db.Model.FindEntityType(typeof(Member))!;
            var sql = db.GetService<ISqlGenerationHelper>();
            var table = sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
            var column = sql.DelimitIdentifier(entity.FindProperty(nameof(Enrollment.Member.Attributes))!.GetColumnName());
            var pair = JsonSerializer.Serialize(key) + ":" + JsonSerializer.Serialize(value);
            var pattern = "%" + pair.Replace("!", "!!").Replace("%", "!%").Replace("_", "!_").Replace("[", "![") + "%";
#pragma warning disable EF1002 // the table and column names come from the model, the pattern is a parameter
            var matching = db.Members.FromSqlRaw($"SELECT * FROM {table} WHERE {column} LIKE {{0}} ESCAPE '!'", pattern).Select(m => m.Id);
#pragma warning restore EF1002
            return m => matching.Contains(m.Id);
        }

        private DateTimeOffset? Since(int? withinDays) => withinDays is { } days ? now.AddDays(-days) : null;

        /// <summary>A range of whole days ago as times: after (exclusive) now - (max + 1) days and at or before now - min days.</summary>
        private (DateTimeOffset? After, DateTimeOffset? NotAfter) DaysAgo(ValueRange range) =>
            (range.Max is { } max ? now.AddDays(-max - 1) : null, range.Min is { } min ? now.AddDays(-min) : null);

        private static Expression Between(Expression<Func<Member, long>> value, long? min, long? max)
        {
            var body = Bind(value);
            Expression? result = null;
            if (min is { } low)
            {
                result = Expression.GreaterThanOrEqual(body, Expression.Constant(low));
            }

            if (max is { } high)
            {
                var upper = Expression.LessThanOrEqual(body, Expression.Constant(high));
                result = result is null ? upper : Expression.AndAlso(result, upper);
            }

            return result ?? Expression.Constant(true);
        }

        private static Expression AnyOf(IEnumerable<string> values, Func<string, Expression<Func<Member, bool>>> one) =>
            values.Select(v => Of(one(v))).Aggregate(Expression.OrElse);

        private static Expression Of(Expression<Func<Member, bool>> predicate) => Bind(predicate);

        private static Expression Bind<T>(Expression<Func<Member, T>> lambda) => new Rebind(lambda.Parameters[0]).Visit(lambda.Body);

        private sealed class Rebind(ParameterExpression from) : ExpressionVisitor
        {
            protected override Expression VisitParameter(ParameterExpression node) => node == from ? Member : base.VisitParameter(node);
        }
    }
}
