using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;

namespace Loyalty.Consent.Consents;

internal sealed class MemberConsents(ConsentDbContext db, ConsentRecording recording, ILoyaltyPrograms programs, AuditTrail audit) : IMemberConsents
{
    public async Task<MemberConsentState?> OfMemberAsync(string programCode, Guid memberId, CancellationToken cancellationToken)
    {
        if (await programs.FindAsync(programCode, cancellationToken) is not { } program)
        {
            return null;
        }

        var current = await recording.CurrentAsync(program.Id, memberId, cancellationToken);
        audit.RecordPersonalDataAccess(db, "consent.consents.viewed", memberId);
        await db.SaveChangesAsync(cancellationToken);
        return new MemberConsentState(current.Objected, current.Restricted,
            [.. current.Consents.Select(c => new MemberConsent(c.Purpose, c.Channel, c.Status, c.TextVersion, c.CurrentVersion, c.Counts, c.OccurredAt, c.Source))]);
    }
}
