using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.PartnerCodes;
using Loyalty.Rewards.Redemption;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Rewards.Persistence;

internal class RewardsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "rewards";

    public DbSet<Reward> Rewards => Set<Reward>();

    public DbSet<RewardRedemption> Redemptions => Set<RewardRedemption>();

    public DbSet<RewardUsage> RewardUsages => Set<RewardUsage>();

    public DbSet<Voucher> Vouchers => Set<Voucher>();

    public DbSet<VoucherUse> VoucherUses => Set<VoucherUse>();

    public DbSet<VoucherBatch> VoucherBatches => Set<VoucherBatch>();

    public DbSet<PartnerCode> PartnerCodes => Set<PartnerCode>();

    public DbSet<PartnerCodeUpload> PartnerCodeUploads => Set<PartnerCodeUpload>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        Reward.Configure(modelBuilder);
        RewardRedemption.Configure(modelBuilder);
        Voucher.Configure(modelBuilder);
        VoucherBatch.Configure(modelBuilder);
        PartnerCode.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteRewardsDbContext(DbContextOptions<SqliteRewardsDbContext> options) : RewardsDbContext(options);

internal sealed class PostgresRewardsDbContext(DbContextOptions<PostgresRewardsDbContext> options) : RewardsDbContext(options);

internal sealed class SqlServerRewardsDbContext(DbContextOptions<SqlServerRewardsDbContext> options) : RewardsDbContext(options);
