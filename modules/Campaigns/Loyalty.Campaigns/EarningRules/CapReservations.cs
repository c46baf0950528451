using Loyalty.Campaigns.Contracts;
using Loyalty.Campaigns.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>The spans a rule's points are counted over: the whole program (the budget), or one member for good, a month or a day.</summary>
internal enum CapPeriod
{
    Program,
    MemberLifetime,
    MemberMonth,
    MemberDay,
}

internal sealed record CountedCap(CapPeriod Period, long Cap)
{
    /// <summary>
    /// The counter's key for this purchase. The day and month are those of the purchase's time in the program's time
    /// zone, so a late purchase counts on the day it happened.
    /// </summary>
    public string KeyFor(EarningContext context) => Period switch
    {
        CapPeriod.Program => "program",
        CapPeriod.MemberLifetime => $"member:{context.Request.Member.Id:N}",
        CapPeriod.MemberMonth => $"member:{context.Request.Member.Id:N}:{context.LocalTime:yyyy-MM}",
        CapPeriod.MemberDay => $"member:{context.Request.Member.Id:N}:{context.LocalTime:yyyy-MM-dd}",
        _ => throw new InvalidOperationException($"Unknown cap period {Period}."),
    };
}

/// <summary>Points a rule has given within one counted span (<see cref="CountedCap.KeyFor"/>), over all its versions.</summary>
internal sealed class CapCounter
{
    public Guid RuleId { get; init; }

    public required string Period { get; init; }

    public long Given { get; set; }
}

/// <summary>
/// Points a rule took from its counters for one purchase, before Members recorded it. A reservation stays
/// unconfirmed until <see cref="SettleCapReservationsJob"/> finds the purchase recorded; if it is not, the points go back.
/// </summary>
internal sealed class CapReservation
{
    public Guid Id { get; init; }

    public Guid ProgramId { get; init; }

    public required string ExternalId { get; init; }

    public Guid RuleId { get; init; }

    public long Points { get; set; }

    /// <summary>The counters' keys, separated by <c>|</c>.</summary>
    public required string Periods { get; init; }

    public DateTimeOffset ReservedAt { get; init; }

    public bool Confirmed { get; set; }

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CapCounter>(counter =>
        {
            counter.ToTable("EarningRuleCapCounters");
            counter.HasKey(c => new { c.RuleId, c.Period });
            counter.Property(c => c.Period).HasMaxLength(60);
        });
        modelBuilder.Entity<CapReservation>(reservation =>
        {
            reservation.ToTable("EarningRuleCapReservations");
            reservation.HasKey(r => r.Id);
            reservation.Property(r => r.ExternalId).HasMaxLength(100);
            reservation.Property(r => r.Periods).HasMaxLength(300);
            reservation.HasIndex(r => new { r.ProgramId, r.ExternalId, r.RuleId }).IsUnique();
            reservation.HasIndex(r => new { r.Confirmed, r.ReservedAt });
        });
    }
}

/// <summary>
/// Takes points from a rule's counters, exactly under concurrency: each counter is raised by a conditional update
/// (<c>Given = Given + n WHERE Given + n &lt;= cap</c>) inside one transaction, which the database serialises per counter
/// row, on any number of nodes. Commits on its own, before Members records the purchase; a reservation per purchase and
/// rule makes a repeated decision (Members retrying after a conflict) take nothing twice.
/// </summary>
internal sealed class CapReservations(CampaignsDbContext db, TimeProvider clock)
{
    private const int MaxAttemptsPerCounter = 10;

    /// <summary>What each counted cap of <paramref name="rule"/> still allows for this purchase, reading only.</summary>
    public async Task<long> RemainingAsync(CompiledRule rule, EarningContext context, CancellationToken cancellationToken)
    {
        var caps = rule.CountedCaps.ToDictionary(c => c.KeyFor(context), c => c.Cap, StringComparer.Ordinal);
        var keys = caps.Keys.ToList();
        var given = await db.CapCounters.AsNoTracking()
            .Where(c => c.RuleId == rule.RuleId && keys.Contains(c.Period))
            .ToDictionaryAsync(c => c.Period, c => c.Given, cancellationToken);
        return caps.Min(c => Math.Max(c.Value - given.GetValueOrDefault(c.Key), 0));
    }

    /// <summary>Takes up to <paramref name="points"/> from the rule's counters for this purchase and answers how many it got.</summary>
    public async Task<long> ReserveAsync(CompiledRule rule, EarningContext context, long points, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (await ReservedAsync(request, rule.RuleId, cancellationToken) is { } already)
        {
            return already;
        }

        // A fixed order of counters, so two purchases never wait for each other's counters crosswise.
        var counters = rule.CountedCaps.Select(c => (Key: c.KeyFor(context), c.Cap)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        await CreateMissingCountersAsync(rule.RuleId, [.. counters.Select(c => c.Key)], cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var granted = points;
        var raised = new List<string>();
        foreach (var (key, cap) in counters)
        {
            for (var attempt = 1; granted > 0; attempt++)
            {
                var n = granted;
                if (await db.CapCounters.Where(c => c.RuleId == rule.RuleId && c.Period == key && c.Given + n <= cap)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.Given, c => c.Given + n), cancellationToken) == 1)
                {
                    raised.Add(key);
                    break;
                }

                // Another purchase took from this counter first: take what is left, and as much less from those raised already.
                var given = await db.CapCounters.Where(c => c.RuleId == rule.RuleId && c.Period == key).Select(c => c.Given).SingleAsync(cancellationToken);
                var allowed = attempt < MaxAttemptsPerCounter ? Math.Clamp(cap - given, 0, granted) : 0;
                await LowerAsync(rule.RuleId, raised, granted - allowed, cancellationToken);
                granted = allowed;
            }

            if (granted == 0)
            {
                break;
            }
        }

        if (granted > 0)
        {
            db.CapReservations.Add(new CapReservation
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                ProgramId = request.Program.Id,
                ExternalId = request.Purchase.ExternalId,
                RuleId = rule.RuleId,
                Points = granted,
                Periods = string.Join('|', raised),
                ReservedAt = clock.GetUtcNow(),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same purchase was decided at the same time and reserved first: this one takes nothing of its own.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return await ReservedAsync(request, rule.RuleId, cancellationToken) ?? 0;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return granted;
    }

    /// <summary>Gives back what a purchase's reservation holds beyond <paramref name="points"/> (all of it at 0).</summary>
    public async Task LowerToAsync(EarningRequest request, Guid ruleId, long points, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reservation = await db.CapReservations.SingleOrDefaultAsync(
            r => r.ProgramId == request.Program.Id && r.ExternalId == request.Purchase.ExternalId && r.RuleId == ruleId, cancellationToken);
        if (reservation is null || reservation.Points <= points)
        {
            return;
        }

        await GiveBackAsync(reservation, reservation.Points - points, cancellationToken);
        if (points == 0)
        {
            db.CapReservations.Remove(reservation);
        }
        else
        {
            reservation.Points = points;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Gives a reservation's points back to its counters and removes it (its purchase was never recorded).</summary>
    /// <remarks>
    /// The reservation is deleted first, by a conditional delete: of two nodes releasing it at once, the second waits
    /// for the first and then deletes nothing, so the points go back once.
    /// </remarks>
    public async Task ReleaseAsync(Guid reservationId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var reservation = await db.CapReservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId && !r.Confirmed, cancellationToken);
        if (reservation is null
            || await db.CapReservations.Where(r => r.Id == reservationId && !r.Confirmed).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return;
        }

        await GiveBackAsync(reservation, reservation.Points, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private Task GiveBackAsync(CapReservation reservation, long points, CancellationToken cancellationToken) =>
        LowerAsync(reservation.RuleId, reservation.Periods.Split('|'), points, cancellationToken);

    private async Task LowerAsync(Guid ruleId, IReadOnlyCollection<string> keys, long points, CancellationToken cancellationToken)
    {
        if (points == 0 || keys.Count == 0)
        {
            return;
        }

        await db.CapCounters.Where(c => c.RuleId == ruleId && keys.Contains(c.Period))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Given, c => c.Given - points), cancellationToken);
    }

    private Task<long?> ReservedAsync(EarningRequest request, Guid ruleId, CancellationToken cancellationToken) =>
        db.CapReservations.AsNoTracking()
            .Where(r => r.ProgramId == request.Program.Id && r.ExternalId == request.Purchase.ExternalId && r.RuleId == ruleId)
            .Select(r => (long?)r.Points)
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>Counters start at 0; a row created by a concurrent purchase at the same moment is as good as one's own.</summary>
    private async Task CreateMissingCountersAsync(Guid ruleId, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var existing = await db.CapCounters.AsNoTracking().Where(c => c.RuleId == ruleId && keys.Contains(c.Period)).Select(c => c.Period).ToListAsync(cancellationToken);
        foreach (var key in keys.Except(existing, StringComparer.Ordinal))
        {
            var counter = new CapCounter { RuleId = ruleId, Period = key };
            db.CapCounters.Add(counter);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Created concurrently: the row is there either way.
            }
            finally
            {
                db.Entry(counter).State = EntityState.Detached;
            }
        }
    }
}
