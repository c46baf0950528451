using System.Text.Json;

namespace Loyalty.Host.Admin.Rewards;

// What the Rewards API answers, as far as the screens show it (JSON names as the API writes them).
internal sealed record RewardView(
    Guid Id, string Name, string? Description, string? Category, string Kind, string Status, long PointsCost, long CashCoPay,
    DateTimeOffset? AvailableFrom, DateTimeOffset? AvailableUntil, long? Stock, int? LimitPerDay, int? LimitPerMonth, int? LimitLifetime,
    long? Value, decimal? Percent, long? MinimumSpend, string? ProductSku, int? VoucherValidDays);

internal sealed record VoucherView(Guid Id, string Kind, DateTimeOffset? ExpiresAt, string Status);

internal sealed record RedemptionView(
    Guid Id, Guid RewardId, Guid MemberId, string? ExternalId, string Status, long Points, long CashCoPay, string? Fulfilment,
    DateTimeOffset ReservedAt, DateTimeOffset? CompletedAt, DateTimeOffset? CancelledAt, VoucherView? Voucher);

internal static class RewardScreens
{
    public static readonly string[] Kinds = ["discountVoucher", "freeProductVoucher", "giftCard", "cashback", "partnerReward", "physicalItem"];

    public static string Escape(string value) => Uri.EscapeDataString(value);

    /// <summary>The problem's detail: Rewards says there why it refused (<c>needs 120 more points</c>).</summary>
    public static string? Detail(this ApiAnswer answer) =>
        !answer.Succeeded && answer.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
}
