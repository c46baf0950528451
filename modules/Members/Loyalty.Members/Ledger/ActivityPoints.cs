using Loyalty.Campaigns.Contracts;
using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

/// <summary>The activity rules' view of a member and their credits, through the one writer of points, <see cref="PointsLedger"/>.</summary>
internal sealed class ActivityPoints(MembersDbContext db, PointsLedger ledger, TierEvaluation tiers, TimeProvider clock) : IActivityPoints
{
    /// <summary>Kept apart from purchases' <c>transaction</c> references: an activity's id is the caller's, in its own space.</summary>
    public const string ReferenceType = "activity";

    public async Task<ActivityMember?> FindAsync(string programCode, Guid memberId, CancellationToken cancellationToken)
    {
        var (program, member) = await MemberEndpoints.LoadAsync(db, programCode, memberId, tracked: false, cancellationToken);
        if (program is null || member is null)
        {
            return null;
        }

        var tierCode = member.TierState?.TierCode;
        var settings = await tiers.SettingsAsync(program.Id, cancellationToken);
        return new ActivityMember(
            new EarningProgram(
                program.Id, program.Code, program.TimeZone, program.Currency, Currencies.MinorUnitsPerUnit(program.Currency),
                program.PointsPerCurrencyUnit, program.BaseRateScope.ToString()),
            new EarningMember(member.Id, member.EnrolledAt, member.EnrollmentChannel, member.BirthDate, tierCode, settings.EarningMultiplierOf(tierCode), member.Attributes),
            member.Status == MemberStatus.Active,
            member.Status.ToString().ToLowerInvariant());
    }

    public Task<string?> ProgramCodeAsync(Guid programId, CancellationToken cancellationToken) =>
        db.Programs.AsNoTracking().Where(p => p.Id == programId).Select(p => p.Code).SingleOrDefaultAsync(cancellationToken);

    public async Task<BirthdayPage> BirthdaysAsync(string programCode, DateTimeOffset at, int skip, int take, CancellationToken cancellationToken)
    {
        var program = await db.FindProgramAsync(programCode, cancellationToken);
        if (program is null)
        {
            return new BirthdayPage(default, []);
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).DateTime);
        var (month, day) = (today.Month, today.Day);
        var leapDayToo = month == 2 && day == 28 && !DateTime.IsLeapYear(today.Year);
        var ids = await db.Members.AsNoTracking().IgnoreAutoIncludes()
            .Where(m => m.ProgramId == program.Id && m.Status == MemberStatus.Active && m.BirthDate != null
                && m.BirthDate.Value.Month == month && (m.BirthDate.Value.Day == day || (leapDayToo && m.BirthDate.Value.Day == 29)))
            .OrderBy(m => m.Id)
            .Skip(skip)
            .Take(take)
            .Select(m => m.Id)
            .ToListAsync(cancellationToken);
        return new BirthdayPage(today, ids);
    }

    public async Task<ActivityCreditOutcome> CreditAsync(
        string programCode, Guid memberId, long points, string reference, DateTimeOffset earnedAt, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreditOnceAsync(programCode, memberId, points, reference, earnedAt, cancellationToken);
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                // The member's first account was opened by a concurrent credit; the second round finds it (and the entry, if it was this one).
                db.ChangeTracker.Clear();
            }
        }
    }

    private Task<ActivityCreditOutcome> CreditOnceAsync(
        string programCode, Guid memberId, long points, string reference, DateTimeOffset earnedAt, CancellationToken cancellationToken) =>
        ConcurrencyRetry.RunAsync(db, async ct =>
        {
            var (program, member) = await MemberEndpoints.LoadAsync(db, programCode, memberId, tracked: false, ct);
            if (program is null || member is null)
            {
                return ActivityCreditOutcome.UnknownMember;
            }

            var account = await ledger.AccountAsync(program, memberId, program.PointsCurrency, ct);
            if (await db.LedgerEntries.AnyAsync(e => e.AccountId == account.Id && e.ReferenceType == ReferenceType && e.ReferenceId == reference, ct))
            {
                return ActivityCreditOutcome.AlreadyCredited;
            }

            if (member.Status != MemberStatus.Active)
            {
                return ActivityCreditOutcome.MemberNotActive;
            }

            ledger.Accrue(program, account, points, new LedgerReference(ReferenceType, reference), earnedAt, held: false);
            var now = clock.GetUtcNow();
            db.Publish(new PointsAccrued(
                Guid.CreateVersion7(now), now, program.Id, memberId, program.PointsCurrency, points, ReferenceType, reference, now, program.ExpiryFor(earnedAt)));
            await db.SaveChangesAsync(ct);
            return ActivityCreditOutcome.Credited;
        }, cancellationToken);
}
