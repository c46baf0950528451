using Loyalty.Members.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Modules;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Programs;

internal sealed class DemoProgramSeeder(MembersDbContext db, AuditTrail audit, TimeProvider clock) : IDemoDataSeeder
{
    public const string DemoProgramCode = "demo-coffee-club";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (await db.Programs.AnyAsync(p => p.Code == DemoProgramCode, cancellationToken))
        {
            return;
        }

        var demo = new CreateProgramRequest(
            DemoProgramCode, "Demo Coffee Club", "Europe/Berlin", "EUR",
            PointsPerCurrencyUnit: 1m, PendingDays: 14, ExpiryPolicy: nameof(ExpiryPolicy.RollingMonths), ExpiryMonths: 24);
        await ProgramEndpoints.CreateAsync(db, audit, clock, demo, cancellationToken);
    }
}
