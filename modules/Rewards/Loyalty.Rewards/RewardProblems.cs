using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Loyalty.Rewards;

/// <summary>
/// The refusals of the Rewards API, each a problem type of its own (<c>urn:loyalty:rewards:{name}</c>, listed in
/// docs/rewards.md), so a client can tell them apart without reading the text. Nothing changes when one is answered.
/// </summary>
internal static class RewardProblems
{
    public const string UnknownReward = "unknown-reward";
    public const string UnknownMember = "unknown-member";
    public const string UnknownRedemption = "unknown-redemption";
    public const string RewardUnavailable = "reward-unavailable";
    public const string NotInAudience = "not-in-audience";
    public const string NotInSegment = "not-in-segment";
    public const string MemberNotActive = "member-not-active";
    public const string InsufficientPoints = "insufficient-points";
    public const string OutOfStock = "out-of-stock";
    public const string LimitReached = "limit-reached";
    public const string ExternalIdReused = "external-id-reused";
    public const string NotCancellable = "not-cancellable";
    public const string NotFulfillable = "not-fulfillable";
    public const string RedemptionInterrupted = "redemption-interrupted";
    public const string UnknownVoucher = "unknown-voucher";
    public const string VoucherExpired = "voucher-expired";
    public const string VoucherUsed = "voucher-used";
    public const string VoucherVoided = "voucher-voided";
    public const string VoucherNotForMember = "voucher-not-for-member";
    public const string MinimumSpendNotMet = "minimum-spend-not-met";
    public const string TooManyInvalidCodes = "too-many-invalid-codes";
    public const string BatchExists = "batch-exists";
    public const string UnknownBatch = "unknown-batch";
    public const string BatchNotComplete = "batch-not-complete";
    public const string BatchCodesShown = "batch-codes-shown";
    public const string NotPartnerReward = "not-a-partner-reward";
    public const string CodeFileRejected = "code-file-rejected";
    public const string NoPartnerCode = "no-partner-code";
    public const string PartnerCodeNotRevealable = "partner-code-not-revealable";
    public const string PartnerCodeShown = "partner-code-shown";

    private static readonly Dictionary<string, (int Status, string Title)> Types = new()
    {
        [UnknownReward] = (StatusCodes.Status404NotFound, "Unknown reward."),
        [UnknownMember] = (StatusCodes.Status404NotFound, "Unknown member."),
        [UnknownRedemption] = (StatusCodes.Status404NotFound, "Unknown redemption."),
        [RewardUnavailable] = (StatusCodes.Status422UnprocessableEntity, "The reward is not available now."),
        [NotInAudience] = (StatusCodes.Status422UnprocessableEntity, "The reward is not offered to this member."),
        [NotInSegment] = (StatusCodes.Status422UnprocessableEntity, "The reward is offered to members of segments this member is not in."),
        [MemberNotActive] = (StatusCodes.Status422UnprocessableEntity, "The member cannot spend points."),
        [InsufficientPoints] = (StatusCodes.Status422UnprocessableEntity, "Not enough points."),
        [OutOfStock] = (StatusCodes.Status409Conflict, "The reward is out of stock."),
        [LimitReached] = (StatusCodes.Status409Conflict, "The member has reached the reward's limit."),
        [ExternalIdReused] = (StatusCodes.Status409Conflict, "The external id belongs to another redemption."),
        [NotCancellable] = (StatusCodes.Status409Conflict, "The redemption cannot be cancelled."),
        [NotFulfillable] = (StatusCodes.Status409Conflict, "The redemption has nothing to ship."),
        [RedemptionInterrupted] = (StatusCodes.Status409Conflict, "The redemption was interrupted and undone."),
        [UnknownVoucher] = (StatusCodes.Status404NotFound, "Unknown voucher code."),
        [VoucherExpired] = (StatusCodes.Status422UnprocessableEntity, "The voucher has expired."),
        [VoucherUsed] = (StatusCodes.Status409Conflict, "The voucher has already been used."),
        [VoucherVoided] = (StatusCodes.Status422UnprocessableEntity, "The voucher was withdrawn."),
        [VoucherNotForMember] = (StatusCodes.Status422UnprocessableEntity, "The voucher belongs to another member."),
        [MinimumSpendNotMet] = (StatusCodes.Status422UnprocessableEntity, "The basket is below the voucher's minimum spend."),
        [BatchExists] = (StatusCodes.Status409Conflict, "A voucher batch with this code exists with other settings."),
        [UnknownBatch] = (StatusCodes.Status404NotFound, "Unknown voucher batch."),
        [BatchNotComplete] = (StatusCodes.Status409Conflict, "The voucher batch is still being generated."),
        [BatchCodesShown] = (StatusCodes.Status410Gone, "The batch's codes were shown once; only their hashes are kept."),
        [NotPartnerReward] = (StatusCodes.Status409Conflict, "The reward has no pool of partner codes."),
        [CodeFileRejected] = (StatusCodes.Status422UnprocessableEntity, "The file of codes was refused; nothing was added."),
        [NoPartnerCode] = (StatusCodes.Status404NotFound, "The redemption has no partner code."),
        [PartnerCodeNotRevealable] = (StatusCodes.Status409Conflict, "The partner code is not shown for this redemption now."),
        [PartnerCodeShown] = (StatusCodes.Status410Gone, "The partner code was shown once; only its hash is kept."),
        [TooManyInvalidCodes] = (StatusCodes.Status429TooManyRequests, "Too many invalid voucher codes."),
    };

    public static string TypeUri(string name) => $"urn:loyalty:rewards:{name}";

    public static ProblemHttpResult Problem(string name, string detail, IDictionary<string, object?>? extensions = null)
    {
        var (status, title) = Types[name];
        return TypedResults.Problem(type: TypeUri(name), title: title, detail: detail, statusCode: status, extensions: extensions);
    }
}
