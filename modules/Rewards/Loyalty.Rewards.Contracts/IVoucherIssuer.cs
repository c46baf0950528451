namespace Loyalty.Rewards.Contracts;

/// <summary>
/// Issues a voucher to a member on behalf of another module (an earning rule's grant, later a campaign), without points.
/// The voucher's terms, validity and code format are those of a voucher reward in the program's catalog (the
/// template). Idempotent on <c>reference</c>: the same reference in the program issues once, however often or
/// concurrently it is sent, so a retried event handler is safe. Issuing takes no stock and counts toward no limit.
/// </summary>
public interface IVoucherIssuer
{
    /// <param name="reference">The caller's id of the grant, unique in the program, e.g. <c>purchase:{id}:rule:{ruleId}:{version}</c> (at most 200 characters).</param>
    Task<VoucherIssue> IssueAsync(string programCode, Guid memberId, Guid templateRewardId, string reference, CancellationToken cancellationToken);
}

public enum VoucherIssueOutcome
{
    Issued,

    /// <summary>The reference issued a voucher before: it is answered again (its code only where the code is kept).</summary>
    AlreadyIssued,

    UnknownMember,
    UnknownTemplate,

    /// <summary>The template is not a voucher reward (discount, free product or gift card), or it is retired.</summary>
    TemplateNotIssuable,
}

/// <param name="Code">The code: in the answer that issued it, and later only where the template keeps codes (not <c>hashOnly</c>).</param>
public sealed record VoucherIssue(VoucherIssueOutcome Outcome, Guid? VoucherId, string? Code, DateTimeOffset? ExpiresAt);
