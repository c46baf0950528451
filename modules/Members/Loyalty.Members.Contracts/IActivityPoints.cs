using Loyalty.Campaigns.Contracts;

namespace Loyalty.Members.Contracts;

/// <summary>
/// What the earning rules of non-purchase activities (a survey, a birthday, an enrolment) need of Members: the member as
/// the rules see them, read when the activity arrives (no copy of member data in Campaigns), and a credit of the points
/// the rules decided. Each credit is a Members transaction of its own, idempotent on the caller's reference.
/// </summary>
public interface IActivityPoints
{
    /// <summary>The program and member as earning sees them, and whether the member may earn; null for an unknown program or member.</summary>
    Task<ActivityMember?> FindAsync(string programCode, Guid memberId, CancellationToken cancellationToken);

    /// <summary>The code of the program with this id, or null (integration events name programs by id).</summary>
    Task<string?> ProgramCodeAsync(Guid programId, CancellationToken cancellationToken);

    /// <summary>
    /// Active members of the program whose birthday is the day <paramref name="at"/> falls on in the program's time
    /// zone, ordered by id, a page at a time. Members born on 29 February have their birthday on 28 February in years
    /// without one.
    /// </summary>
    Task<BirthdayPage> BirthdaysAsync(string programCode, DateTimeOffset at, int skip, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Credits <paramref name="points"/> once per reference as an <c>accrual</c> entry of type <c>activity</c>, spendable
    /// at once (no return window: an activity cannot be returned). They are not qualifying points for tiers.
    /// </summary>
    Task<ActivityCreditOutcome> CreditAsync(string programCode, Guid memberId, long points, string reference, DateTimeOffset earnedAt, CancellationToken cancellationToken);
}

/// <param name="Active">Only an active member earns; a suspended or closed one is refused.</param>
public sealed record ActivityMember(EarningProgram Program, EarningMember Member, bool Active, string Status);

/// <param name="LocalDate">The program's date the page is for (its year names the birthday).</param>
public sealed record BirthdayPage(DateOnly LocalDate, IReadOnlyList<Guid> MemberIds);

public enum ActivityCreditOutcome
{
    Credited,
    AlreadyCredited,
    MemberNotActive,
    UnknownMember,
}
