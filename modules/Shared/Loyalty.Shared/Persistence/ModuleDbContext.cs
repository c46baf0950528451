using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Loyalty.Shared.Persistence;

/// <summary>
/// Base of every module's DbContext: the module's schema (a table prefix on SQLite, which has no schemas, see ADR 0002),
/// and the module's own outbox, inbox and audit tables, so events and audit entries commit with the state change,
/// and its idempotency records, for the <c>Idempotency-Key</c>s its endpoints were sent.
/// </summary>
public abstract class ModuleDbContext : DbContext
{
    protected ModuleDbContext(DbContextOptions options, string schema)
        : base(options)
    {
        Schema = schema;
    }

    public string Schema { get; }

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        OutboxMessage.Configure(modelBuilder);
        InboxMessage.Configure(modelBuilder);
        AuditEntry.Configure(modelBuilder);
        IdempotencyRecord.Configure(modelBuilder);
        ConfigureModel(modelBuilder);

        if (Database.IsSqlite())
        {
            // An owned type kept in its owner's table follows the owner's name; prefixing it too would split it into a table of its own.
            foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !SharesOwnersTable(e)))
            {
                entity.SetTableName($"{Schema}_{entity.GetTableName()}");
                entity.SetSchema(null);
            }
        }
        else
        {
            modelBuilder.HasDefaultSchema(Schema);
        }
    }

    private static bool SharesOwnersTable(IMutableEntityType entity) =>
        entity.FindOwnership() is { } ownership && ownership.PrincipalEntityType.GetTableName() == entity.GetTableName();

    /// <summary>The module's own entities.</summary>
    protected abstract void ConfigureModel(ModelBuilder modelBuilder);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite cannot compare or order DateTimeOffset text; stored as a sortable 64-bit number instead.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }
}
