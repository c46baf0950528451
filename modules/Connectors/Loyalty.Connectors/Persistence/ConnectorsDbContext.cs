using Loyalty.Connectors.Connections;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Persistence;

internal class ConnectorsDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "connectors";

    public DbSet<Connection> Connections => Set<Connection>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        Connection.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteConnectorsDbContext(DbContextOptions<SqliteConnectorsDbContext> options) : ConnectorsDbContext(options);

internal sealed class PostgresConnectorsDbContext(DbContextOptions<PostgresConnectorsDbContext> options) : ConnectorsDbContext(options);

internal sealed class SqlServerConnectorsDbContext(DbContextOptions<SqlServerConnectorsDbContext> options) : ConnectorsDbContext(options);
