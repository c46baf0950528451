using Loyalty.Members.Attributes;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Import;
using Loyalty.Members.Ledger;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Members.Transactions;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Persistence;

internal class MembersDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "members";

    public DbSet<LoyaltyProgram> Programs => Set<LoyaltyProgram>();

    public DbSet<Member> Members => Set<Member>();

    public DbSet<MemberIdentifier> MemberIdentifiers => Set<MemberIdentifier>();

    public DbSet<PointsAccount> PointsAccounts => Set<PointsAccount>();

    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    public DbSet<PointsLot> PointsLots => Set<PointsLot>();

    public DbSet<PurchaseTransaction> Transactions => Set<PurchaseTransaction>();

    public DbSet<HeldTransaction> HeldTransactions => Set<HeldTransaction>();

    public DbSet<AttributeDefinition> AttributeDefinitions => Set<AttributeDefinition>();

    public DbSet<TierSettings> TierSettings => Set<TierSettings>();

    public DbSet<TierDefinition> TierDefinitions => Set<TierDefinition>();

    public DbSet<MemberTier> MemberTiers => Set<MemberTier>();

    public DbSet<TierChange> TierHistory => Set<TierChange>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        LoyaltyProgram.Configure(modelBuilder);
        Member.Configure(modelBuilder);
        PointsAccount.Configure(modelBuilder);
        LedgerEntry.Configure(modelBuilder);
        PointsLot.Configure(modelBuilder);
        PurchaseTransaction.Configure(modelBuilder);
        HeldTransaction.Configure(modelBuilder);
        AttributeDefinition.Configure(modelBuilder);
        Tiers.TierSettings.Configure(modelBuilder);
        ImportJob.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteMembersDbContext(DbContextOptions<SqliteMembersDbContext> options) : MembersDbContext(options);

internal sealed class PostgresMembersDbContext(DbContextOptions<PostgresMembersDbContext> options) : MembersDbContext(options);

internal sealed class SqlServerMembersDbContext(DbContextOptions<SqlServerMembersDbContext> options) : MembersDbContext(options);
