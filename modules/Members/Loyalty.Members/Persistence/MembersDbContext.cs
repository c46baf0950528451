using Loyalty.Members.Programs;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Persistence;

internal class MembersDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "members";

    public DbSet<LoyaltyProgram> Programs => Set<LoyaltyProgram>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        LoyaltyProgram.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteMembersDbContext(DbContextOptions<SqliteMembersDbContext> options) : MembersDbContext(options);

internal sealed class PostgresMembersDbContext(DbContextOptions<PostgresMembersDbContext> options) : MembersDbContext(options);

internal sealed class SqlServerMembersDbContext(DbContextOptions<SqlServerMembersDbContext> options) : MembersDbContext(options);
