using Loyalty.Consent.Contracts;
using Loyalty.Members.Attributes;
using Loyalty.Members.Contracts;
using Loyalty.Members.Ledger;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

internal enum EnrollOutcome
{
    /// <summary>A new member, with both points accounts, its audit entry and <see cref="MemberEnrolled"/>.</summary>
    Created,

    /// <summary>The member already known by the external id, the card or the email; nothing was written.</summary>
    Existing,

    /// <summary>The identifiers match two or more different members.</summary>
    Conflict,

    /// <summary>The request has invalid fields; see <see cref="EnrollResult.Errors"/>.</summary>
    Invalid,

    /// <summary>The person was erased on their request and is on the suppression list; <see cref="EnrollResult.SuppressedBy"/> names the identifier.</summary>
    Suppressed,
}

internal sealed record EnrollResult(EnrollOutcome Outcome, Member? Member = null, ValidationErrors? Errors = null, string? SuppressedBy = null);

/// <summary>
/// Enrolment, the one path for the API and the bulk import: validation, idempotency on external id, card and email,
/// the member with both points accounts, the audit entry and <see cref="MemberEnrolled"/> through the outbox.
/// </summary>
internal sealed class MemberEnrollment(MembersDbContext db, AuditTrail audit, ISuppressionList suppression, TimeProvider clock)
{
    public async Task<EnrollResult> EnrollAsync(LoyaltyProgram program, EnrollRequest request, CancellationToken cancellationToken)
    {
        var errors = AttributeValidation.Validate(
            await db.AttributeDefinitionsAsync(program.Id, cancellationToken), request.Attributes, request.Validate(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)));
        if (!errors.IsEmpty)
        {
            return new EnrollResult(EnrollOutcome.Invalid, Errors: errors);
        }

        for (var attempt = 1; ; attempt++)
        {
            var existing = await FindExistingAsync(program.Id, request, cancellationToken);
            if (existing.Count > 1)
            {
                return new EnrollResult(EnrollOutcome.Conflict);
            }

            if (existing.Count == 1)
            {
                return new EnrollResult(EnrollOutcome.Existing, existing[0]);
            }

            var ids = new[] { request.ExternalId, request.CardNumber }.OfType<string>().ToList();
            if (await suppression.FindSuppressedAsync(new SuppressionCheck(program.Id, request.Email, request.Phone, ids), cancellationToken) is { } suppressedBy)
            {
                return new EnrollResult(EnrollOutcome.Suppressed, SuppressedBy: suppressedBy);
            }

            var member = NewMember(program.Id, request, clock.GetUtcNow());
            db.Members.Add(member);
            // Both accounts exist from the start, so concurrent first earnings conflict on a version, not an insert.
            foreach (var currency in new[] { program.PointsCurrency, program.QualifyingCurrency })
            {
                db.PointsAccounts.Add(new PointsAccount { Id = Guid.CreateVersion7(member.EnrolledAt), ProgramId = program.Id, MemberId = member.Id, Currency = currency });
            }

            audit.Record(db, "members.member.enrolled", "member", member.Id.ToString(), new { program = program.Code, channel = member.EnrollmentChannel });
            db.Publish(new MemberEnrolled(Guid.CreateVersion7(member.EnrolledAt), member.EnrolledAt, program.Id, member.Id, member.EnrollmentChannel, request.ReferralCode));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return new EnrollResult(EnrollOutcome.Created, member);
            }
            catch (DbUpdateException) when (attempt == 1 && db.Database.CurrentTransaction is null)
            {
                // A concurrent enrolment of the same person won the unique index; answer with that member.
                // Inside a caller's transaction (the import) the failed statement may have aborted it, so the caller retries.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<List<Member>> FindExistingAsync(Guid programId, EnrollRequest request, CancellationToken cancellationToken)
    {
        var email = request.Email?.ToLowerInvariant();
        var ids = await db.MemberIdentifiers
            .Where(i => i.ProgramId == programId
                && ((i.Kind == IdentifierKind.ExternalId && i.Value == request.ExternalId) || (i.Kind == IdentifierKind.Card && i.Value == request.CardNumber)))
            .Select(i => i.MemberId)
            .ToListAsync(cancellationToken);
        return await db.Members.Include(m => m.Identifiers)
            .Where(m => m.ProgramId == programId && (ids.Contains(m.Id) || (email != null && m.NormalizedEmail == email)))
            .ToListAsync(cancellationToken);
    }

    private static Member NewMember(Guid programId, EnrollRequest request, DateTimeOffset now)
    {
        var member = new Member
        {
            Id = Guid.CreateVersion7(now),
            ProgramId = programId,
            EnrollmentChannel = request.Channel ?? "api",
            EnrolledAt = now,
            Status = MemberStatus.Active,
            Version = 1,
        };
        MemberProfile.Apply(member, request);
        foreach (var (kind, value) in new[] { (IdentifierKind.ExternalId, request.ExternalId), (IdentifierKind.Card, request.CardNumber) })
        {
            if (value is not null)
            {
                member.Identifiers.Add(new MemberIdentifier { Id = Guid.CreateVersion7(now), ProgramId = programId, MemberId = member.Id, Kind = kind, Value = value, AddedAt = now });
            }
        }

        return member;
    }
}

internal static class MemberProfile
{
    /// <summary>Copies the profile onto the member and names the fields that changed.</summary>
    public static List<string> Apply(Member member, ProfileFields profile)
    {
        var changed = new List<string>();
        void Set<T>(string field, T current, T value, Action<T> assign)
        {
            if (!EqualityComparer<T>.Default.Equals(current, value))
            {
                assign(value);
                changed.Add(field);
            }
        }

        Set("email", member.Email, profile.Email, v => (member.Email, member.NormalizedEmail) = (v, v?.ToLowerInvariant()));
        Set("phone", member.Phone, profile.Phone, v => member.Phone = v);
        Set("firstName", member.FirstName, profile.FirstName, v => member.FirstName = v);
        Set("lastName", member.LastName, profile.LastName, v => member.LastName = v);
        Set("birthDate", member.BirthDate, profile.BirthDate, v => member.BirthDate = v);
        Set("locale", member.Locale, profile.Locale, v => member.Locale = v);
        var address = profile.Address ?? new AddressDto(null, null, null, null, null);
        Set("address", (member.Address.Line1, member.Address.Line2, member.Address.PostalCode, member.Address.City, member.Address.Country),
            (address.Line1, address.Line2, address.PostalCode, address.City, address.Country),
            _ => member.Address = new PostalAddress { Line1 = address.Line1, Line2 = address.Line2, PostalCode = address.PostalCode, City = address.City, Country = address.Country });
        var attributes = profile.Attributes ?? [];
        if (attributes.Count != member.Attributes.Count || attributes.Except(member.Attributes).Any())
        {
            member.Attributes = new Dictionary<string, string>(attributes);
            changed.Add("attributes");
        }

        return changed;
    }
}
