namespace Loyalty.Campaigns.Contracts;

/// <summary>
/// Decides what a purchase earns. Members asks it for every purchase, before it saves the purchase and its points, so
/// an implementation reads only what the request carries and what its own module owns. It writes nothing in Members'
/// transaction; what it must hold for the purchase (points reserved under a cap) it commits on its own and settles once
/// the purchase is recorded or not. A repeated decision for the same purchase (Members retrying) must not take twice.
/// Members registers a base-rate implementation as the fallback; the Campaigns module's earning rules replace it by
/// registering theirs (the last registration wins).
/// </summary>
public interface IEarningEngine
{
    Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken);
}

/// <summary>Everything the decision may depend on, as Members knows it when the purchase arrives.</summary>
public sealed record EarningRequest(EarningProgram Program, EarningMember Member, EarningPurchase Purchase);

/// <summary>
/// The program's settings that matter for earning. <see cref="PointsPerCurrencyUnit"/> and <see cref="BaseRateScope"/>
/// are the base rate (<c>PerLine</c> or <c>PerTransaction</c>); <see cref="MinorUnitsPerUnit"/> is 100 for EUR.
/// </summary>
public sealed record EarningProgram(
    Guid Id, string Code, string TimeZone, string Currency, long MinorUnitsPerUnit, decimal PointsPerCurrencyUnit, string BaseRateScope);

/// <summary>
/// The member as earning sees them: <see cref="TierCode"/> is null without a tier, and <see cref="TierEarningMultiplier"/>
/// is the tier's benefit (1 without one) for the engine to apply.
/// </summary>
public sealed record EarningMember(
    Guid Id, DateTimeOffset EnrolledAt, string EnrollmentChannel, DateOnly? BirthDate, string? TierCode, decimal TierEarningMultiplier,
    IReadOnlyDictionary<string, string> Attributes);

/// <summary>A purchase; <see cref="PaymentMethod"/> and the custom <see cref="Attributes"/> are null when the sender gave none.</summary>
public sealed record EarningPurchase(
    string ExternalId, DateTimeOffset OccurredAt, string Channel, string? Store, long TotalMinor, IReadOnlyList<EarningLine> Lines,
    string? PaymentMethod = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>
/// A purchase line; <see cref="AmountMinor"/> is quantity × unit price rounded to the minor unit. <see cref="Brand"/> and
/// the free-form <see cref="Attributes"/> (color=red) are null when the sender gave none.
/// </summary>
public sealed record EarningLine(
    int LineNumber, string Sku, string? Category, decimal Quantity, long UnitPriceMinor, long AmountMinor,
    string? Brand = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>
/// Whole points per line, in the order of the request's lines (what a return of a line takes back), and the total.
/// With lines, <see cref="Points"/> is their sum: a bonus on the whole purchase is shared out over its lines, so a return
/// of every line takes back everything. With no lines, <see cref="LinePoints"/> is empty. <see cref="Rules"/> names the
/// rule versions that changed the points and by how much (null when only the base rate decided), for the ledger to keep.
/// <see cref="QualifyingBonus"/> is what rules add to the qualifying (tier status) currency on top of <see cref="Points"/>,
/// which the qualifying account is credited anyway; it is not spendable and not part of <see cref="LinePoints"/>.
/// </summary>
public sealed record EarningDecision(long Points, IReadOnlyList<long> LinePoints, IReadOnlyList<AppliedRule>? Rules = null, long QualifyingBonus = 0);

/// <summary>
/// A version of an earning rule that applied to a purchase, the points it added (negative: took away) and the qualifying
/// points it added on top of them. <see cref="VoucherRewardId"/> is the voucher template the rule grants (Rewards' catalog
/// reward), issued by Campaigns once the purchase is recorded; null for a rule that grants none.
/// </summary>
public sealed record AppliedRule(Guid RuleId, int Version, string Name, long Points, long QualifyingPoints = 0, Guid? VoucherRewardId = null);
