using System.Text.Json;
using Loyalty.Rewards.Catalog;
using Loyalty.Shared.Http;

namespace Loyalty.Rewards.Vouchers;

/// <param name="BasketTotal">In the program currency's minor units.</param>
internal sealed record CheckVoucherRequest(string? Code, Guid? MemberId, long? BasketTotal)
{
    public ValidationErrors Validate() => new ValidationErrors()
        .Check(Code is { Length: > 0 and <= 100 }, "code", "Give the voucher code (at most 100 characters).")
        .Check(BasketTotal is >= 0 and <= CreateRewardRequest.MaxMoney, "basketTotal", "Give the basket total in minor units, 0 or more.");
}

/// <param name="ExternalId">The till's transaction id: a repeat with it answers the first use.</param>
internal sealed record UseVoucherRequest(string? Code, Guid? MemberId, long? BasketTotal, string? ExternalId)
{
    public ValidationErrors Validate() => new CheckVoucherRequest(Code, MemberId, BasketTotal).Validate()
        .Check(ExternalId is { Length: > 0 and <= 100 }, "externalId", "Give the till's transaction id (1-100 characters); it makes a repeat safe.");
}

/// <summary>What a till may give for the code and this basket.</summary>
internal sealed record VoucherCheckDto(Guid VoucherId, string Kind, long Discount, string? ProductSku, DateTimeOffset? ExpiresAt, int UsesLeft);

internal sealed record VoucherUseDto(Guid VoucherId, string ExternalId, string Kind, long Discount, string? ProductSku, DateTimeOffset UsedAt, int UsesLeft);

internal sealed record VoucherDto(
    Guid Id, string? Code, string Kind, long? Value, decimal? Percent, long? MinimumSpend, string? ProductSku, DateTimeOffset? ExpiresAt, int MaxUses, int Uses, string Status)
{
    /// <param name="code">The code where it may be shown: kept, or just issued.</param>
    public static VoucherDto From(Voucher v, string? code) => new(
        v.Id, code, JsonNamingPolicy.CamelCase.ConvertName(v.Kind.ToString()), v.Value, v.Percent, v.MinimumSpend, v.ProductSku, v.ExpiresAt, v.MaxUses, v.Uses, JsonNamingPolicy.CamelCase.ConvertName(v.Status.ToString()));
}

/// <summary>
/// A voucher in the member's list: <see cref="RedemptionId"/> when a redemption issued it, <see cref="Reference"/> when
/// another module granted it (an earning rule: <c>purchase:{externalId}:rule:{ruleId}:{version}</c>); <see cref="RewardId"/>
/// is the reward or template whose terms it has. The code is shown where it is kept (not <c>hashOnly</c>).
/// </summary>
internal sealed record MemberVoucherDto(
    Guid Id, string? Code, string Kind, long? Value, decimal? Percent, long? MinimumSpend, string? ProductSku, DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt, int MaxUses, int Uses, string Status, Guid? RewardId, Guid? RedemptionId, string? Reference)
{
    public static MemberVoucherDto From(Voucher v) => new(
        v.Id, v.Code, JsonNamingPolicy.CamelCase.ConvertName(v.Kind.ToString()), v.Value, v.Percent, v.MinimumSpend, v.ProductSku, v.IssuedAt,
        v.ExpiresAt, v.MaxUses, v.Uses, JsonNamingPolicy.CamelCase.ConvertName(v.Status.ToString()), v.RewardId, v.RedemptionId, v.IssueReference);
}

/// <summary>What a reward or a batch gives, checked the same way for both.</summary>
internal static class VoucherTerms
{
    public static void Validate(RewardKind? kind, long? value, decimal? percent, long? minimumSpend, string? productSku, ValidationErrors errors)
    {
        errors.Check(productSku is null || productSku.Length <= 100, "productSku", "Use at most 100 characters.");
        switch (kind)
        {
            case RewardKind.DiscountVoucher:
                errors.Check((value is null) != (percent is null), "value", "Give either a fixed value (minor units) or a percent.")
                    .Check(value is null or (> 0 and <= CreateRewardRequest.MaxMoney), "value", "Give an amount in minor units, 1 or more.")
                    .Check(percent is null or (> 0 and <= 100), "percent", "Give a percent above 0, at most 100.")
                    .Check(minimumSpend is null or (>= 0 and <= CreateRewardRequest.MaxMoney), "minimumSpend", "Give an amount in minor units, 0 or more.");
                break;
            case RewardKind.FreeProductVoucher:
                errors.Check(!string.IsNullOrWhiteSpace(productSku), "productSku", "Say which product the voucher is for.");
                break;
            case RewardKind.GiftCard or RewardKind.Cashback:
                errors.Check(value is > 0 and <= CreateRewardRequest.MaxMoney, "value", "Give the amount in minor units, 1 or more.");
                break;
        }
    }
}

