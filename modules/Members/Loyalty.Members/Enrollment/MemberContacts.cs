using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Enrollment;

internal sealed class MemberContacts(MembersDbContext db) : IMemberContacts
{
    public async Task<bool> ShareContactAsync(string programCode, Guid memberId, Guid otherMemberId, CancellationToken cancellationToken)
    {
        var members = await db.Members.AsNoTracking()
            .Where(m => (m.Id == memberId || m.Id == otherMemberId) && db.Programs.Any(p => p.Id == m.ProgramId && p.Code == programCode))
            .Select(m => new { m.NormalizedEmail, m.Phone })
            .ToListAsync(cancellationToken);
        if (members.Count != 2)
        {
            return false;
        }

        var (a, b) = (members[0], members[1]);
        var (phoneA, phoneB) = (Digits(a.Phone), Digits(b.Phone));
        return (a.NormalizedEmail is not null && a.NormalizedEmail == b.NormalizedEmail) || (phoneA.Length > 0 && phoneA == phoneB);
    }

    public Task<bool> SharePaymentFingerprintAsync(string programCode, Guid memberId, Guid otherMemberId, CancellationToken cancellationToken) =>
        db.Transactions.AsNoTracking().AnyAsync(
            t => t.MemberId == otherMemberId && t.PaymentFingerprintHash != null && db.Programs.Any(p => p.Id == t.ProgramId && p.Code == programCode)
                && db.Transactions.Any(u => u.MemberId == memberId && u.ProgramId == t.ProgramId && u.PaymentFingerprintHash == t.PaymentFingerprintHash),
            cancellationToken);

    private static string Digits(string? phone) => phone is null ? "" : new string(phone.Where(char.IsAsciiDigit).ToArray());
}
