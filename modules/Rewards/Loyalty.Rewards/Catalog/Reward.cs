using System.Text.Json;
using Loyalty.Rewards.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Loyalty.Rewards.Catalog;

internal enum RewardKind
{
    /// <summary>A voucher for a fixed amount or a percentage off a basket, optionally above a minimum spend.</summary>
    DiscountVoucher,

    /// <summary>A voucher for one product (<see cref="Reward.ProductSku"/>).</summary>
    FreeProductVoucher,

    /// <summary>A voucher worth <see cref="Reward.Value"/> that can be spent like money.</summary>
    GiftCard,

    /// <summary>Money back to a payment account: recorded as an instruction the integrator carries out.</summary>
    Cashback,

    /// <summary>A partner's code (a cinema ticket, a partner's voucher) drawn from the pool of codes uploaded for the reward.</summary>
    PartnerReward,

    /// <summary>Something sent to the member: the redemption tracks its fulfilment.</summary>
    PhysicalItem,
}

internal enum RewardStatus
{
    Draft,
    Active,
    Retired,
}

/// <summary>Something in a program's catalog that members spend points on.</summary>
internal sealed class Reward
{
    public Guid Id { get; init; }

    public required string ProgramCode { get; init; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? ImageUrl { get; set; }

    public string? Category { get; set; }

    public RewardKind Kind { get; init; }

    public RewardStatus Status { get; set; }

    public long PointsCost { get; set; }

    /// <summary>A lower (or higher) cost for members of a tier, by tier code.</summary>
    public Dictionary<string, long> TierPointsCost { get; set; } = [];

    /// <summary>Money the member pays on top, in the program currency's minor units; collected by the integrator.</summary>
    public long CashCoPay { get; set; }

    public DateTimeOffset? AvailableFrom { get; set; }

    public DateTimeOffset? AvailableUntil { get; set; }

    /// <summary>
    /// Items left; null for unlimited. Taken by a conditional update, so concurrent redemptions never oversell. For a
    /// partner reward, the codes available in its pool (0 until a file is uploaded).
    /// </summary>
    public long? Stock { get; set; }

    public int? LimitPerDay { get; set; }

    public int? LimitPerMonth { get; set; }

    public int? LimitLifetime { get; set; }

    /// <summary>Tier codes that may redeem; empty means every member.</summary>
    public List<string> AudienceTiers { get; set; } = [];

    /// <summary>Segment codes (Campaigns) of which the member must be in one; empty means no segment is needed.</summary>
    public List<string> AudienceSegments { get; set; } = [];

    /// <summary>For a fixed discount, a gift card or cashback: the amount in minor units.</summary>
    public long? Value { get; set; }

    /// <summary>For a percentage discount: 0-100.</summary>
    public decimal? Percent { get; set; }

    public long? MinimumSpend { get; set; }

    public string? ProductSku { get; set; }

    /// <summary>How long an issued voucher stays valid.</summary>
    public int? VoucherValidDays { get; set; }

    public VoucherCodeFormat CodeFormat { get; set; } = new();

    /// <summary>For a partner reward: the alert is raised when the available codes fall to this many or fewer.</summary>
    public int? LowPoolThreshold { get; set; }

    /// <summary>When the low-pool alert was raised; null while the pool is above its threshold.</summary>
    public DateTimeOffset? LowPoolSince { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public int Version { get; set; }

    public bool IssuesVoucher => IssuesVoucherFor(Kind);

    public static bool IssuesVoucherFor(RewardKind kind) => kind is RewardKind.DiscountVoucher or RewardKind.FreeProductVoucher or RewardKind.GiftCard;

    public long CostFor(string? tierCode) =>
        tierCode is not null && TierPointsCost.TryGetValue(tierCode, out var cost) ? cost : PointsCost;

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Reward>(reward =>
    {
        reward.ToTable("Rewards");
        reward.HasKey(r => r.Id);
        reward.Property(r => r.ProgramCode).HasMaxLength(50);
        reward.HasIndex(r => new { r.ProgramCode, r.Status });
        reward.Property(r => r.Name).HasMaxLength(200);
        reward.Property(r => r.Description).HasMaxLength(2000);
        reward.Property(r => r.ImageUrl).HasMaxLength(2000);
        reward.Property(r => r.Category).HasMaxLength(100);
        reward.Property(r => r.Kind).HasConversion<string>().HasMaxLength(30);
        reward.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        reward.Property(r => r.TierPointsCost).HasConversion(Json<Dictionary<string, long>>(), DictionaryComparer()).HasMaxLength(2000);
        reward.Property(r => r.AudienceTiers).HasConversion(Json<List<string>>(), ListComparer()).HasMaxLength(2000);
        reward.Property(r => r.AudienceSegments).HasConversion(Json<List<string>>(), ListComparer()).HasMaxLength(2000);
        reward.Property(r => r.Percent).HasPrecision(5, 2);
        reward.Property(r => r.ProductSku).HasMaxLength(100);
        reward.OwnsOne(r => r.CodeFormat, VoucherCodeFormat.Configure);
        reward.Navigation(r => r.CodeFormat).IsRequired();
        reward.Property(r => r.Version).IsConcurrencyToken();
    });

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Json<T>()
        where T : new() =>
        new(value => JsonSerializer.Serialize(value, (JsonSerializerOptions?)null), json => JsonSerializer.Deserialize<T>(json, (JsonSerializerOptions?)null) ?? new T());

    private static ValueComparer<Dictionary<string, long>> DictionaryComparer() => new(
        (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
        d => d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
        d => new Dictionary<string, long>(d));

    private static ValueComparer<List<string>> ListComparer() => new(
        (a, b) => a!.SequenceEqual(b!),
        l => l.Aggregate(0, (hash, item) => HashCode.Combine(hash, item)),
        l => l.ToList());
}
