using System.Text.Json.Serialization;

namespace Loyalty.Members.Contracts;

/// <summary>
/// Selects a program's active members by a condition tree, answered as one query in the database over Members' own
/// tables (members, points accounts, purchases, tiers, the ledger), so a segment of a million members never loads them.
/// Campaigns' segments store the tree and materialise the answer.
/// </summary>
public interface IMemberSelection
{
    /// <summary>The program's id for its code, or null when there is none.</summary>
    Task<Guid?> ProgramIdAsync(string programCode, CancellationToken cancellationToken);

    /// <summary>How many of the program's active members meet the condition, less <see cref="MemberSelectionQuery.Excluding"/>.</summary>
    Task<int> CountAsync(MemberSelectionQuery query, CancellationToken cancellationToken);

    /// <summary>The ids of the members that meet the condition, in the database's id order, after <paramref name="after"/>.</summary>
    Task<IReadOnlyList<Guid>> MemberIdsAsync(MemberSelectionQuery query, Guid? after, int limit, CancellationToken cancellationToken);

    /// <summary>The program's members among <paramref name="memberIds"/> and those with one of <paramref name="emails"/> (any case), by id.</summary>
    Task<MemberList> ResolveAsync(string programCode, IReadOnlyCollection<Guid> memberIds, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);
}

/// <param name="Excluding">Members left out whatever they meet, such as those who objected to marketing (a short list).</param>
public sealed record MemberSelectionQuery(string ProgramCode, MemberCondition Condition, IReadOnlyCollection<Guid> Excluding);

/// <param name="MemberIds">The members found, each once.</param>
/// <param name="UnknownIds">The positions (0-based) in the ids given of those that are no member of the program.</param>
/// <param name="UnknownEmails">The positions in the emails given of those that lead to no member of the program.</param>
public sealed record MemberList(IReadOnlyList<Guid> MemberIds, IReadOnlyList<int> UnknownIds, IReadOnlyList<int> UnknownEmails);

/// <summary>
/// One condition on a member: exactly one field is set. <c>all</c>, <c>any</c> and <c>not</c> combine others. Ranges
/// are inclusive; money is in minor units of the program's currency; days count back from now. docs/segments.md
/// documents each field.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MemberCondition(
    IReadOnlyList<MemberCondition>? All = null,
    IReadOnlyList<MemberCondition>? Any = null,
    MemberCondition? Not = null,
    ValueRange? Age = null,
    IReadOnlyList<string>? Locale = null,
    IReadOnlyList<string>? City = null,
    IReadOnlyList<string>? PostalCode = null,
    ValueRange? DaysSinceEnrollment = null,
    PurchaseCount? Purchases = null,
    ValueRange? DaysSinceLastPurchase = null,
    ValueRange? AverageOrderValue = null,
    CategoriesBought? CategoriesBought = null,
    ValueRange? PointsBalance = null,
    IReadOnlyList<string>? Tier = null,
    PurchaseCount? Redemptions = null,
    ValueRange? LifetimeSpend = null,
    AttributeMatch? Attribute = null);

/// <summary>An inclusive range; either end may be open.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ValueRange(long? Min = null, long? Max = null);

/// <summary>How many (purchases, redemptions) in the last <see cref="WithinDays"/> days, or ever when it is null.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PurchaseCount(int? WithinDays = null, long? Min = null, long? Max = null);

/// <summary>At least one purchase with a line of one of the categories, in the last <see cref="WithinDays"/> days or ever.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CategoriesBought(IReadOnlyList<string>? Categories = null, int? WithinDays = null);

/// <summary>A custom attribute of the member equal to <see cref="EqualTo"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AttributeMatch(string? Key = null, [property: JsonPropertyName("equals")] string? EqualTo = null);
