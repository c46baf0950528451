using Loyalty.Members.Contracts;
using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Vouchers;

/// <summary>
/// <see cref="IVoucherIssuer"/>: writes the voucher, its audit entry and the <see cref="VoucherIssued"/> event in one
/// transaction. The unique index on (program, issue reference) makes the reference issue once; a concurrent repeat
/// that loses the race answers the winner's voucher.
/// </summary>
internal sealed class VoucherIssuer(RewardsDbContext db, IMemberPoints points, AuditTrail audit, TimeProvider clock) : IVoucherIssuer
{
    public const int MaxReferenceLength = 200;

    public async Task<VoucherIssue> IssueAsync(string programCode, Guid memberId, Guid templateRewardId, string reference, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reference.Length, MaxReferenceLength, nameof(reference));
        if (await EarlierAsync(programCode, reference, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var template = await db.Rewards.AsNoTracking().SingleOrDefaultAsync(r => r.Id == templateRewardId && r.ProgramCode == programCode, cancellationToken);
        if (template is null)
        {
            return new VoucherIssue(VoucherIssueOutcome.UnknownTemplate, null, null, null);
        }

        if (!template.IssuesVoucher || template.Status == RewardStatus.Retired)
        {
            return new VoucherIssue(VoucherIssueOutcome.TemplateNotIssuable, null, null, null);
        }

        if (await points.FindStandingAsync(programCode, memberId, cancellationToken) is null)
        {
            return new VoucherIssue(VoucherIssueOutcome.UnknownMember, null, null, null);
        }

        var now = clock.GetUtcNow();
        var code = VoucherCodes.Generate(template.CodeFormat);
        var voucher = new Voucher
        {
            Id = Guid.CreateVersion7(now),
            ProgramCode = programCode,
            Code = template.CodeFormat.HashOnly ? null : code,
            CodeHash = VoucherCodes.Hash(code),
            RewardId = template.Id,
            MemberId = memberId,
            IssueReference = reference,
            Kind = template.Kind,
            Value = template.Value,
            Percent = template.Percent,
            MinimumSpend = template.MinimumSpend,
            ProductSku = template.ProductSku,
            IssuedAt = now,
            ExpiresAt = template.VoucherValidDays is { } days ? now.AddDays(days) : null,
        };
        db.Vouchers.Add(voucher);
        audit.Record(db, "rewards.voucher.issued", "voucher", voucher.Id.ToString(), new { reward = template.Id, reference });
        db.Publish(new VoucherIssued(Guid.CreateVersion7(now), now, programCode, memberId, voucher.Id, template.Id, reference));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new VoucherIssue(VoucherIssueOutcome.Issued, voucher.Id, code, voucher.ExpiresAt);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await EarlierAsync(programCode, reference, cancellationToken) ?? throw new InvalidOperationException("The voucher could not be saved.");
        }
    }

    private async Task<VoucherIssue?> EarlierAsync(string programCode, string reference, CancellationToken cancellationToken) =>
        await db.Vouchers.AsNoTracking().Where(v => v.ProgramCode == programCode && v.IssueReference == reference)
            .Select(v => new VoucherIssue(VoucherIssueOutcome.AlreadyIssued, v.Id, v.Code, v.ExpiresAt))
            .SingleOrDefaultAsync(cancellationToken);
}
