using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.PersonalData;

/// <summary>
/// The personal data of the Members module: the profile and identifiers (erased), and the points and purchase
/// history, which is exported and, on erasure, kept under a member id that no longer leads to a person.
/// </summary>
internal sealed class MembersPersonalData(MembersDbContext db, TimeProvider clock) : IPersonalDataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly RetainedData[] Retained =
    [
        new("Points ledger, transactions and tier history: amounts, dates, stores, products, under the pseudonymous member id",
            "Art. 17(3)(b) and (e): accounting and tax records; the program's totals stay correct"),
        new("Answers to repeated API requests (Idempotency-Key records)",
            "Deleted with all other records after Idempotency:Retention (1 day by default)"),
    ];

    public string Module => MembersDbContext.SchemaName;

    public PersonalDataDescription Description { get; } = new(
        ["contact details (email, phone, postal address)", "name, birth date, locale", "loyalty card numbers and external customer ids",
         "custom attributes", "points ledger", "purchases and returns", "tier history"],
        ["running the loyalty program: crediting and redeeming points, tiers", "answering the member's requests"],
        "profile and identifiers until erasure; ledger and purchases pseudonymised on erasure and kept for accounting");

    public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
    {
        writer.WriteStartObject();
        var member = await db.Members.AsNoTracking().IgnoreAutoIncludes().SingleOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        if (member is not null)
        {
            writer.WritePropertyName("profile");
            JsonSerializer.Serialize(writer, new
            {
                member.Id, member.Email, member.Phone, member.FirstName, member.LastName, member.BirthDate, member.Locale, member.Address,
                member.Attributes, member.EnrollmentChannel, member.EnrolledAt, Status = member.Status.ToString(),
            }, Json);
            await WriteArrayAsync(writer, "identifiers",
                db.MemberIdentifiers.AsNoTracking().Where(i => i.MemberId == memberId).OrderBy(i => i.AddedAt)
                    .Select(i => new { Kind = i.Kind.ToString(), i.Value, i.AddedAt }), cancellationToken);
            await WriteArrayAsync(writer, "accounts",
                db.PointsAccounts.AsNoTracking().Where(a => a.MemberId == memberId).OrderBy(a => a.Currency)
                    .Select(a => new { a.Currency, a.Available, a.Pending }), cancellationToken);
            await WriteArrayAsync(writer, "ledger",
                db.LedgerEntries.AsNoTracking().Where(e => e.MemberId == memberId).OrderBy(e => e.Id)
                    .Join(db.PointsAccounts, e => e.AccountId, a => a.Id, (e, a) => new
                    {
                        a.Currency, Type = e.Type.ToString(), e.Points, e.ReferenceType, e.ReferenceId, e.Reason, e.CreatedAt, e.AvailableAt,
                    }), cancellationToken);
            await WriteArrayAsync(writer, "transactions",
                db.Transactions.AsNoTracking().Where(t => t.MemberId == memberId).OrderBy(t => t.OccurredAt).ThenBy(t => t.Id).Select(t => new
                {
                    t.ExternalId, Type = t.Type.ToString(), t.OccurredAt, t.Channel, t.Store, t.Currency, Total = t.TotalMinor, t.Points, t.OriginalExternalId, t.PaymentMethod, t.Attributes,
                    Lines = t.Lines.OrderBy(l => l.LineNumber).Select(l => new { l.Sku, l.Category, l.Brand, l.Attributes, l.Quantity, UnitPrice = l.UnitPriceMinor, l.Points }).ToList(),
                }), cancellationToken);
            await WriteArrayAsync(writer, "tierHistory",
                db.TierHistory.AsNoTracking().Where(c => c.MemberId == memberId).OrderBy(c => c.At)
                    .Select(c => new { c.FromTier, c.ToTier, Reason = c.Reason.ToString(), c.At, c.QualifyingValue }), cancellationToken);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }

    public async Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var member = await db.Members.IgnoreAutoIncludes().SingleOrDefaultAsync(m => m.Id == memberId, cancellationToken);
        if (member is null)
        {
            return new ErasureReport(Module, [], []);
        }

        var identifiers = await db.MemberIdentifiers.Where(i => i.MemberId == memberId).ToListAsync(cancellationToken);
        var values = identifiers.Select(i => i.Value).ToList();
        // Purchases held for one of the member's cards would credit the erased member if they were claimed later.
        await db.HeldTransactions.Where(h => h.ProgramId == member.ProgramId && values.Contains(h.IdentifierValue)).ExecuteDeleteAsync(cancellationToken);
        db.MemberIdentifiers.RemoveRange(identifiers);
        await db.Transactions.Where(t => t.MemberId == memberId && t.PaymentFingerprintHash != null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.PaymentFingerprintHash, (string?)null), cancellationToken);

        if (member.Status != MemberStatus.Erased)
        {
            var from = member.Status;
            member.Email = member.NormalizedEmail = member.Phone = member.FirstName = member.LastName = member.Locale = null;
            member.BirthDate = null;
            member.Address = new PostalAddress();
            member.Attributes = [];
            member.Status = MemberStatus.Erased;
            member.Version++;
            var now = clock.GetUtcNow();
            db.Publish(new MemberStatusChanged(Guid.CreateVersion7(now), now, member.ProgramId, member.Id, from.ToString(), member.Status.ToString()));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ErasureReport(
            Module,
            ["profile: email, phone, name, birth date, locale, postal address, custom attributes", "loyalty cards and external ids", "purchases held for those cards", "payment fingerprints of purchases"],
            Retained);
    }

    private static async Task WriteArrayAsync<T>(Utf8JsonWriter writer, string name, IQueryable<T> rows, CancellationToken cancellationToken)
    {
        writer.WriteStartArray(name);
        var written = 0;
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, row, Json);
            if (++written % 500 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
    }
}
