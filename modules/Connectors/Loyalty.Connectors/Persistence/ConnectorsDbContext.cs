using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Sync;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Persistence;

internal class ConnectorsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "connectors";

    public DbSet<Connection> Connections => Set<Connection>();

    public DbSet<SyncSetup> SyncSetups => Set<SyncSetup>();

    public DbSet<SyncRun> SyncRuns => Set<SyncRun>();

    public DbSet<SyncedRecord> SyncedRecords => Set<SyncedRecord>();

    public DbSet<OutboundChange> OutboundChanges => Set<OutboundChange>();

    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    public DbSet<SyncConflict> SyncConflicts => Set<SyncConflict>();

    public DbSet<ConnectionErasure> ConnectionErasures => Set<ConnectionErasure>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        Connection.Configure(modelBuilder);
        SyncSetup.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteConnectorsDbContext(DbContextOptions<SqliteConnectorsDbContext> options) : ConnectorsDbContext(options);

internal sealed class PostgresConnectorsDbContext(DbContextOptions<PostgresConnectorsDbContext> options) : ConnectorsDbContext(options);

internal sealed class SqlServerConnectorsDbContext(DbContextOptions<SqlServerConnectorsDbContext> options) : ConnectorsDbContext(options);
