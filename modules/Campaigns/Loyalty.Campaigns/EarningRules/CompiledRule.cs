using System.Collections.Frozen;
using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;

namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// One version of a rule turned into delegates once, so that evaluating a purchase parses nothing. A condition is
/// asked per line (a null line stands for a purchase without lines); the lines it holds for are the rule's qualifying lines.
/// </summary>
internal sealed class CompiledRule
{
    // Null where the rule has no window or audience, no conditions, no exclusions: most rules lack one of them.
    private readonly Func<EarningContext, string?>? _gate;
    private readonly Func<EarningContext, EarningLine?, bool>? _condition;
    private readonly Func<EarningLine, bool>? _excluded;
    private RuleOutcome? _notMatched;
    private RuleOutcome? _notApplied;

    private CompiledRule(Guid ruleId, int version, RuleDefinition definition)
    {
        RuleId = ruleId;
        Version = version;
        Name = definition.Name!;
        Priority = definition.Priority ?? 0;
        Trigger = definition.Trigger ?? Activities.ActivityTriggers.Purchase;
        Mode = StackingModes.Parse(definition.Stacking?.Mode) ?? StackingMode.Stack;
        Group = definition.Stacking?.Group;
        var effects = definition.Effects!;
        FixedPoints = effects.FixedPoints;
        Rate = effects.PointsPerCurrencyUnit?.Rate;
        Rounding = Roundings.Parse(effects.PointsPerCurrencyUnit?.Rounding) ?? EarningRules.Rounding.Floor;
        RateScope = RateScopes.Parse(effects.PointsPerCurrencyUnit?.Scope) ?? EarningRules.RateScope.PerLine;
        Multiplier = effects.Multiplier;
        WholeMultiplier = effects.Multiplier is { } m && m == decimal.Truncate(m) ? (long)m : null;
        MultiplierFactor = effects.Multiplier is { } factor ? new DecimalFactor(factor) : null;
        RateFactor = Rate is { } rate ? new DecimalFactor(rate) : null;
        QualifyingPoints = effects.QualifyingPoints ?? 0;
        VoucherRewardId = effects.GrantVoucher?.RewardId;
        Cap = effects.CapPerTransaction;
        StopsEvaluation = effects.StopEvaluating ?? false;
        CountedCaps = [.. new (CapPeriod Period, long? Cap)[]
            {
                (CapPeriod.Program, effects.Budget),
                (CapPeriod.MemberLifetime, effects.CapPerMember),
                (CapPeriod.MemberMonth, effects.CapPerMemberPerMonth),
                (CapPeriod.MemberDay, effects.CapPerMemberPerDay),
            }
            .Where(c => c.Cap is not null).Select(c => new CountedCap(c.Period, c.Cap!.Value))];
        _gate = Gate(definition.Window, definition.Audience);
        Segments = definition.Audience?.Segments ?? [];
        _condition = definition.Conditions is null ? null : Compile(definition.Conditions, History);
        LooksAtLines = definition.Conditions?.LooksAtLines() ?? false;
        _excluded = Excluded(definition.ExcludeLines);
        ExclusiveReason = $"the exclusive rule '{Name}' applies alone";
        BestOfReason = Group is null ? null : $"'{Name}' gives more in the group '{Group}'";
        StopReason = $"'{Name}' stops further rules";
    }

    public Guid RuleId { get; }

    public int Version { get; }

    public string Name { get; }

    public int Priority { get; }

    /// <summary><c>purchase</c>, or the activity type the rule answers.</summary>
    public string Trigger { get; }

    public StackingMode Mode { get; }

    public string? Group { get; }

    public long? FixedPoints { get; }

    public decimal? Rate { get; }

    public Rounding Rounding { get; }

    public RateScope RateScope { get; }

    public decimal? Multiplier { get; }

    /// <summary><see cref="Multiplier"/> when it is a whole number, for arithmetic without decimals.</summary>
    public long? WholeMultiplier { get; }

    /// <summary><see cref="Multiplier"/> for arithmetic in whole numbers where the decimal one is exact.</summary>
    public DecimalFactor? MultiplierFactor { get; }

    /// <summary><see cref="Rate"/> for arithmetic in whole numbers where the decimal one is exact.</summary>
    public DecimalFactor? RateFactor { get; }

    /// <summary>Why the other matching rules do not apply when this exclusive rule does.</summary>
    public string ExclusiveReason { get; }

    /// <summary>Why the other rules of its best-of group do not apply when this one gives more; null outside a group.</summary>
    public string? BestOfReason { get; }

    /// <summary>Why the later rules do not apply after this one, when it stops evaluation.</summary>
    public string StopReason { get; }

    /// <summary>Qualifying points the rule adds when it applies (0: none).</summary>
    public long QualifyingPoints { get; }

    /// <summary>The voucher template the rule grants when it applies, or null.</summary>
    public Guid? VoucherRewardId { get; }

    public long? Cap { get; }

    public bool StopsEvaluation { get; }

    /// <summary>Whether the conditions ask about the line; if not, they are asked once per purchase, not per line.</summary>
    public bool LooksAtLines { get; }

    /// <summary>The segments of the rule's audience (the member must be in one); empty for most rules.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>What the behavioural conditions ask of the member's earlier purchases; nothing for most rules.</summary>
    public HistoryNeeds History { get; } = new();

    /// <summary>The caps counted over purchases (per member per day, month or lifetime, the program's budget); often none.</summary>
    public IReadOnlyList<CountedCap> CountedCaps { get; }

    /// <summary>Compiles a definition that passed <see cref="RuleDefinition.Validate"/>; anything else is refused.</summary>
    public static CompiledRule Compile(Guid ruleId, int version, RuleDefinition definition)
    {
        if (!definition.Validate().IsEmpty)
        {
            throw new ArgumentException($"Rule {ruleId} version {version} is not valid.", nameof(definition));
        }

        return new CompiledRule(ruleId, version, definition);
    }

    /// <summary>Why the rule does not apply to this purchase and member at all (window, audience), or null.</summary>
    public string? NotApplicable(EarningContext context) => _gate?.Invoke(context);

    public bool Holds(EarningContext context, EarningLine? line) => _condition?.Invoke(context, line) ?? true;

    /// <summary>Whether the rule excludes any lines from earning (<see cref="Excludes"/> is false for every line otherwise).</summary>
    public bool HasExclusions => _excluded is not null;

    public bool Excludes(EarningLine line) => _excluded?.Invoke(line) ?? false;

    /// <summary>
    /// The outcome <c>notMatched</c> for this reason. The reasons are built when the rule is compiled, so the outcome
    /// of the last one is kept and handed out again (outcomes are immutable) instead of a new one per evaluation.
    /// </summary>
    public RuleOutcome NotMatched(string reason) => Reuse(ref _notMatched, "notMatched", reason);

    /// <summary>The outcome <c>notApplied</c> (another rule applies instead) for this reason, kept as <see cref="NotMatched"/>.</summary>
    public RuleOutcome NotApplied(string reason) => Reuse(ref _notApplied, "notApplied", reason);

    private RuleOutcome Reuse(ref RuleOutcome? last, string outcome, string reason)
    {
        var kept = Volatile.Read(ref last);
        if (kept is null || !ReferenceEquals(kept.Reason, reason))
        {
            kept = new RuleOutcome(RuleId, Version, Name, outcome, reason, 0);
            Volatile.Write(ref last, kept);
        }

        return kept;
    }

    private static Func<EarningContext, string?>? Gate(RuleWindow? window, RuleAudience? audience)
    {
        var checks = new List<Func<EarningContext, string?>>();
        if (window?.From is { } from)
        {
            var reason = $"the purchase is before the window opens ({from:yyyy-MM-ddTHH:mm} program time)";
            checks.Add(c => c.LocalTime >= from ? null : reason);
        }

        if (window?.To is { } to)
        {
            var reason = $"the purchase is after the window closed ({to:yyyy-MM-ddTHH:mm} program time)";
            checks.Add(c => c.LocalTime < to ? null : reason);
        }

        if (window?.DaysOfWeek is { } days)
        {
            var runs = new bool[7];
            foreach (var day in days)
            {
                runs[(int)Enum.Parse<DayOfWeek>(day, ignoreCase: true)] = true;
            }

            var reasons = Enum.GetValues<DayOfWeek>().Select(d => $"the rule does not run on {d}").ToArray();
            checks.Add(c => c.LocalTime.DayOfWeek is var day && runs[(int)day] ? null : reasons[(int)day]);
        }

        if (window?.Hours is { From: { } start, To: { } end })
        {
            var reason = $"the purchase is outside the hours {start:HH:mm}-{end:HH:mm}";
            checks.Add(c => TimeOnly.FromDateTime(c.LocalTime) is var time && time >= start && time < end ? null : reason);
        }

        if (audience?.Tiers is { } tiers)
        {
            var set = tiers.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            checks.Add(c => c.Request.Member.TierCode is { } tier && set.Contains(tier) ? null : "the member is not in one of the rule's tiers");
        }

        if (audience?.EnrollmentChannels is { } channels)
        {
            var set = channels.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            checks.Add(c => set.Contains(c.Request.Member.EnrollmentChannel) ? null : "the member enrolled through another channel");
        }

        if (audience?.Segments is { } segments)
        {
            var wanted = segments.ToArray();
            checks.Add(c => c.Segments is { } of && wanted.Any(of.Contains) ? null : "the member is not in one of the rule's segments");
        }

        if (audience?.NewMembersWithinDays is { } withinDays)
        {
            var reason = $"the member enrolled {withinDays} or more days before the purchase";
            checks.Add(c => c.DaysSinceEnrollment < withinDays ? null : reason);
        }

        if (checks.Count <= 1)
        {
            return checks.Count == 0 ? null : checks[0];
        }

        var all = checks.ToArray();
        return c =>
        {
            foreach (var check in all)
            {
                if (check(c) is { } reason)
                {
                    return reason;
                }
            }

            return null;
        };
    }

    private static Func<EarningContext, EarningLine?, bool> Compile(RuleCondition condition, HistoryNeeds needs)
    {
        if (condition.All is { } all)
        {
            var parts = all.Select(c => Compile(c, needs)).ToArray();
            return (c, l) =>
            {
                foreach (var part in parts)
                {
                    if (!part(c, l))
                    {
                        return false;
                    }
                }

                return true;
            };
        }

        if (condition.Any is { } any)
        {
            var parts = any.Select(c => Compile(c, needs)).ToArray();
            return (c, l) =>
            {
                foreach (var part in parts)
                {
                    if (part(c, l))
                    {
                        return true;
                    }
                }

                return false;
            };
        }

        if (condition.Not is { } not)
        {
            var part = Compile(not, needs);
            return (c, l) => !part(c, l);
        }

        if (condition.Total is { } total)
        {
            return (c, _) => total.Contains(c.Request.Purchase.TotalMinor);
        }

        if (condition.Sku is { } skus)
        {
            var set = skus.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (_, l) => l is not null && set.Contains(l.Sku);
        }

        if (condition.Category is { } categories)
        {
            var set = categories.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (_, l) => l?.Category is { } category && set.Contains(category);
        }

        if (condition.Brand is { } brands)
        {
            var set = brands.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (_, l) => l?.Brand is { } brand && set.Contains(brand);
        }

        if (condition.LineAttribute is { Key: { } lineKey, EqualTo: { } lineValue })
        {
            return (_, l) => l?.Attributes is { } attributes && attributes.TryGetValue(lineKey, out var actual) && actual == lineValue;
        }

        if (condition.PaymentMethod is { } methods)
        {
            var set = methods.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (c, _) => c.Request.Purchase.PaymentMethod is { } method && set.Contains(method);
        }

        if (condition.TransactionAttribute is { Key: { } purchaseKey, EqualTo: { } purchaseValue })
        {
            return (c, _) => c.Request.Purchase.Attributes is { } attributes && attributes.TryGetValue(purchaseKey, out var actual) && actual == purchaseValue;
        }

        // An activity is evaluated as a purchase of nothing that carries the activity's attributes (ActivityRecorder.AsEarningRequest).
        if (condition.ActivityAttribute is { Key: { } activityKey, EqualTo: { } activityValue })
        {
            return (c, _) => c.Request.Purchase.Attributes is { } attributes && attributes.TryGetValue(activityKey, out var actual) && actual == activityValue;
        }

        if (condition.Quantity is { } quantity)
        {
            return (_, l) => l is not null && quantity.Contains(l.Quantity);
        }

        if (condition.Channel is { } channels)
        {
            var set = channels.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (c, _) => set.Contains(c.Request.Purchase.Channel);
        }

        if (condition.Store is { } stores)
        {
            var set = stores.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (c, _) => c.Request.Purchase.Store is { } store && set.Contains(store);
        }

        if (condition.Tier is { } tiers)
        {
            var set = tiers.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
            return (c, _) => c.Request.Member.TierCode is { } tier && set.Contains(tier);
        }

        if (condition.Attribute is { Key: { } key, EqualTo: { } value })
        {
            return (c, _) => c.Request.Member.Attributes.TryGetValue(key, out var actual) && actual == value;
        }

        if (condition.Age is { } age)
        {
            return (c, _) => c.Age is { } years && age.Contains(years);
        }

        if (condition.DaysSinceEnrollment is { } days)
        {
            return (c, _) => days.Contains(c.DaysSinceEnrollment);
        }

        if (condition.FirstPurchase is true)
        {
            needs.Count = true;
            return (c, _) => c.History.Count == 0;
        }

        if (condition.PurchaseNumber is { N: { } n } number)
        {
            if (number.WithinDays is { } within)
            {
                needs.Days(within);
                return (c, _) => c.EarlierWithinDays(within) == n - 1;
            }

            if (number.Period is "year" or "month")
            {
                var year = number.Period == "year";
                needs.Days(year ? 366 : 31);
                return (c, _) => c.EarlierInSame(year) == n - 1;
            }

            needs.Count = true;
            return (c, _) => c.History.Count == n - 1;
        }

        if (condition.PreviousPurchaseWithinDays is { } previousWithin)
        {
            needs.Days(previousWithin);
            return (c, _) => c.EarlierWithinDays(previousWithin) > 0;
        }

        if (condition.NewCategory is true)
        {
            needs.Categories = true;
            return (c, l) => l?.Category is { } category && !c.History.Categories.Contains(category);
        }

        if (condition.Spend is { WithinDays: { } spendDays } spend)
        {
            needs.Days(spendDays);
            return (c, _) => spend.Contains(c.SpentWithinDays(spendDays) + c.Request.Purchase.TotalMinor);
        }

        throw new ArgumentException("A condition with nothing set passed validation.", nameof(condition));
    }

    private static Func<EarningLine, bool>? Excluded(LineFilter? filter)
    {
        if (filter is null)
        {
            return null;
        }

        var skus = (filter.Skus ?? []).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        var categories = (filter.Categories ?? []).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        var brands = (filter.Brands ?? []).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        return l => skus.Contains(l.Sku) || (l.Category is { } category && categories.Contains(category)) || (l.Brand is { } brand && brands.Contains(brand));
    }
}

/// <summary>
/// What the behavioural conditions of rules ask of the member's earlier purchases (<see cref="IPurchaseHistory"/>):
/// those of the last <see cref="RecentDays"/> days one by one, their number in all, the categories bought.
/// </summary>
internal sealed class HistoryNeeds
{
    public int RecentDays { get; private set; }

    public bool Count { get; set; }

    public bool Categories { get; set; }

    public bool Any => RecentDays > 0 || Count || Categories;

    public void Days(int days) => RecentDays = Math.Max(RecentDays, days);
}

/// <summary>What several rules ask about one request, worked out at most once per evaluation.</summary>
internal sealed class EarningContext(EarningRequest request, PurchaseHistory? history = null, IReadOnlySet<string>? segments = null)
{
    private DateTime? _localTime;
    private TimeZoneInfo? _zone;
    private int? _daysSinceEnrollment;
    private int? _age;
    private DateTimeOffset? _yearStart;
    private DateTimeOffset? _monthStart;
    private (long[] Ticks, long[] Totals)? _recent;

    public EarningRequest Request { get; } = request;

    /// <summary>The codes of the member's segments, where a rule's audience names segments; null elsewhere, and then such rules do not apply.</summary>
    public IReadOnlySet<string>? Segments { get; } = segments;

    /// <summary>The member's earlier purchases, as the rules asked them; without them a behavioural condition fails its rule.</summary>
    public PurchaseHistory History => history ?? throw new InvalidOperationException("The member's purchase history is not available.");

    /// <summary>When the purchase occurred, in the program's time zone (an unknown zone throws, failing the rules that ask).</summary>
    public DateTime LocalTime => _localTime ??= TimeZoneInfo.ConvertTime(Request.Purchase.OccurredAt, Zone).DateTime;

    private TimeZoneInfo Zone => _zone ??= FindZone(Request.Program.TimeZone);

    /// <summary>The last zone found, by the id asked: <see cref="TimeZoneInfo.FindSystemTimeZoneById"/> takes a lock each time.</summary>
    private static Tuple<string, TimeZoneInfo>? _lastZone;

    private static TimeZoneInfo FindZone(string id)
    {
        if (Volatile.Read(ref _lastZone) is { } last && string.Equals(last.Item1, id, StringComparison.Ordinal))
        {
            return last.Item2;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        Volatile.Write(ref _lastZone, Tuple.Create(id, zone));
        return zone;
    }

    /// <summary>Earlier purchases at most <paramref name="days"/> × 24 hours before this one.</summary>
    public int EarlierWithinDays(int days) => EarlierSince(Request.Purchase.OccurredAt.AddDays(-days).UtcTicks);

    public long SpentWithinDays(int days)
    {
        var since = Request.Purchase.OccurredAt.AddDays(-days).UtcTicks;
        var recent = Recent;
        long spent = 0;
        for (var i = 0; i < recent.Ticks.Length; i++)
        {
            spent += recent.Ticks[i] >= since ? recent.Totals[i] : 0;
        }

        return spent;
    }

    /// <summary>Earlier purchases in this purchase's calendar year (or month), program time.</summary>
    public int EarlierInSame(bool year) => EarlierSince((year ? _yearStart ??= PeriodStart(true) : _monthStart ??= PeriodStart(false)).UtcTicks);

    private int EarlierSince(long utcTicks)
    {
        var count = 0;
        foreach (var ticks in Recent.Ticks)
        {
            count += ticks >= utcTicks ? 1 : 0;
        }

        return count;
    }

    /// <summary>The recent purchases' instants (UTC ticks, as DateTimeOffset compares them) and totals, read once.</summary>
    private (long[] Ticks, long[] Totals) Recent
    {
        get
        {
            if (_recent is null)
            {
                var purchases = History.Recent;
                var ticks = new long[purchases.Count];
                var totals = new long[purchases.Count];
                for (var i = 0; i < ticks.Length; i++)
                {
                    ticks[i] = purchases[i].OccurredAt.UtcTicks;
                    totals[i] = purchases[i].TotalMinor;
                }

                _recent = (ticks, totals);
            }

            return _recent.Value;
        }
    }

    /// <summary>When this purchase's calendar year (or month) began in program time, in UTC.</summary>
    private DateTimeOffset PeriodStart(bool year)
    {
        var start = year ? new DateTime(LocalTime.Year, 1, 1) : new DateTime(LocalTime.Year, LocalTime.Month, 1);
        // Midnight can fall in a daylight-saving gap somewhere; the hour after it is the first of the period there.
        return Zone.IsInvalidTime(start) ? TimeZoneInfo.ConvertTimeToUtc(start.AddHours(1), Zone) : TimeZoneInfo.ConvertTimeToUtc(start, Zone);
    }

    /// <summary>Whole days from enrolment to the purchase.</summary>
    public int DaysSinceEnrollment => _daysSinceEnrollment ??= (int)Math.Floor((Request.Purchase.OccurredAt - Request.Member.EnrolledAt).TotalDays);

    /// <summary>The member's age in whole years on the day of the purchase, program time; null without a birth date.</summary>
    public int? Age
    {
        get
        {
            if (Request.Member.BirthDate is not { } birth)
            {
                return null;
            }

            if (_age is null)
            {
                var today = DateOnly.FromDateTime(LocalTime);
                var age = today.Year - birth.Year;
                _age = birth.AddYears(age) > today ? age - 1 : age;
            }

            return _age;
        }
    }
}
