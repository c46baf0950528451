using System.Globalization;
using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

/// <summary>The CRM sync's way in: enrolment for new people (so the suppression list decides), a profile update otherwise.</summary>
internal sealed class MemberSync(MembersDbContext db, ProgramCache programs, MemberEnrollment enrollment, AuditTrail audit, TimeProvider clock) : IMemberSync
{
    public const string Channel = "crm-sync";

    public async Task<CrmMemberOutcome> ApplyAsync(CrmMemberChange change, CancellationToken cancellationToken)
    {
        // Each change commits on its own, and a sync run applies thousands in one scope: what the earlier ones left tracked
        // would make every save walk them all (DetectChanges), slowing the run down with every member.
        db.ChangeTracker.Clear();
        if (await programs.FindAsync(db, change.ProgramCode, cancellationToken) is not { } program)
        {
            return new CrmMemberOutcome(CrmMemberResult.Gone, Error: "the connection's program does not exist");
        }

        var fields = change.Fields;
        DateOnly? birthDate = null;
        if (fields.TryGetValue(SyncedMemberFields.BirthDate, out var birth) && birth is not null)
        {
            if (!DateOnly.TryParseExact(birth, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return new CrmMemberOutcome(CrmMemberResult.Invalid, Error: "birthDate: not a yyyy-MM-dd date");
            }

            birthDate = parsed;
        }

        var member = await FindMemberAsync(program.Id, change, cancellationToken);
        if (member is null)
        {
            var request = new EnrollRequest(
                Value(fields, SyncedMemberFields.Email), Value(fields, SyncedMemberFields.Phone), Value(fields, SyncedMemberFields.FirstName),
                Value(fields, SyncedMemberFields.LastName), birthDate, Value(fields, SyncedMemberFields.Locale), null, null, change.ExternalId, null, Channel);
            var enrolled = await enrollment.EnrollAsync(program, request, cancellationToken);
            return enrolled.Outcome switch
            {
                EnrollOutcome.Created => new CrmMemberOutcome(CrmMemberResult.Created, enrolled.Member!.Id),
                EnrollOutcome.Existing => new CrmMemberOutcome(CrmMemberResult.Unchanged, enrolled.Member!.Id),
                EnrollOutcome.Suppressed => new CrmMemberOutcome(CrmMemberResult.Suppressed, Error: $"on the suppression list by {enrolled.SuppressedBy}"),
                EnrollOutcome.Conflict => new CrmMemberOutcome(CrmMemberResult.Invalid, Error: "the identifiers match several members"),
                _ => new CrmMemberOutcome(CrmMemberResult.Invalid, Error: Describe(enrolled.Errors!)),
            };
        }

        if (member.Status is MemberStatus.Merged or MemberStatus.Erased or MemberStatus.Closed)
        {
            return new CrmMemberOutcome(CrmMemberResult.Gone, member.Id, $"the member is {member.Status.ToString().ToLowerInvariant()}");
        }

        string? Current(string field, string? current) => fields.TryGetValue(field, out var value) ? value : current;
        var address = new AddressDto(member.Address.Line1, member.Address.Line2, member.Address.PostalCode, member.Address.City, member.Address.Country);
        var profile = new UpdateProfileRequest(
            Current(SyncedMemberFields.Email, member.Email), Current(SyncedMemberFields.Phone, member.Phone),
            Current(SyncedMemberFields.FirstName, member.FirstName), Current(SyncedMemberFields.LastName, member.LastName),
            fields.ContainsKey(SyncedMemberFields.BirthDate) ? birthDate : member.BirthDate, Current(SyncedMemberFields.Locale, member.Locale),
            address, new Dictionary<string, string>(member.Attributes));
        var errors = profile.Validate(new ValidationErrors(), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (!errors.IsEmpty)
        {
            return new CrmMemberOutcome(CrmMemberResult.Invalid, member.Id, Describe(errors));
        }

        var changed = MemberProfile.Apply(member, profile);
        if (changed.Count == 0)
        {
            return new CrmMemberOutcome(CrmMemberResult.Unchanged, member.Id);
        }

        member.Version++;
        var now = clock.GetUtcNow();
        audit.Record(db, "members.member.updated", "member", member.Id.ToString(), new { fields = changed, channel = Channel });
        db.Publish(new MemberUpdated(Guid.CreateVersion7(now), now, member.ProgramId, member.Id, changed));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new CrmMemberOutcome(CrmMemberResult.Invalid, member.Id, "email: another member of the program has it, or the member changed meanwhile");
        }

        return new CrmMemberOutcome(CrmMemberResult.Updated, member.Id);
    }

    public async Task<SyncedMember?> FindAsync(Guid memberId, CancellationToken cancellationToken)
    {
        var member = await db.Members.AsNoTracking().Include(m => m.Identifiers).SingleOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return null;
        }

        var program = await db.Programs.AsNoTracking().SingleAsync(p => p.Id == member.ProgramId, cancellationToken);
        var balance = await db.PointsAccounts.Where(a => a.MemberId == memberId && a.Currency == program.PointsCurrency).Select(a => (long?)a.Available).SingleOrDefaultAsync(cancellationToken);
        return new SyncedMember(member.Id, member.ProgramId, new Dictionary<string, string?>
        {
            [SyncedMemberFields.Email] = member.Email,
            [SyncedMemberFields.Phone] = member.Phone,
            [SyncedMemberFields.FirstName] = member.FirstName,
            [SyncedMemberFields.LastName] = member.LastName,
            [SyncedMemberFields.BirthDate] = member.BirthDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [SyncedMemberFields.Locale] = member.Locale,
            [SyncedMemberFields.ExternalId] = member.Identifiers.Where(i => i.Kind == IdentifierKind.ExternalId).OrderBy(i => i.AddedAt).Select(i => i.Value).FirstOrDefault(),
            [SyncedMemberFields.MemberId] = member.Id.ToString(),
            [SyncedMemberFields.Status] = member.Status.ToString(),
            [SyncedMemberFields.EnrolledAt] = member.EnrolledAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            [SyncedMemberFields.Tier] = member.TierState?.TierCode,
            [SyncedMemberFields.PointsBalance] = (balance ?? 0).ToString(CultureInfo.InvariantCulture),
        });
    }

    private async Task<Member?> FindMemberAsync(Guid programId, CrmMemberChange change, CancellationToken cancellationToken)
    {
        if (change.MemberId is { } linked && await db.Members.Include(m => m.Identifiers).SingleOrDefaultAsync(m => m.Id == linked && m.ProgramId == programId, cancellationToken) is { } member)
        {
            return member;
        }

        var byExternalId = await db.MemberIdentifiers
            .Where(i => i.ProgramId == programId && i.Kind == IdentifierKind.ExternalId && i.Value == change.ExternalId)
            .Select(i => (Guid?)i.MemberId).FirstOrDefaultAsync(cancellationToken);
        var email = Value(change.Fields, SyncedMemberFields.Email)?.ToLowerInvariant();
        return await db.Members.Include(m => m.Identifiers)
            .Where(m => m.ProgramId == programId && (m.Id == byExternalId || (byExternalId == null && email != null && m.NormalizedEmail == email)))
            .FirstOrDefaultAsync(cancellationToken);
    }

    private static string? Value(IReadOnlyDictionary<string, string?> fields, string name) => fields.GetValueOrDefault(name);

    private static string Describe(ValidationErrors errors) => "invalid " + string.Join(", ", errors.Fields);
}
