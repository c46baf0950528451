using Loyalty.Shared.Persistence;
using Microsoft.Data.SqlClient;
using Npgsql;

namespace Loyalty.Testing;

/// <summary>
/// A fresh, empty database for one test on one provider, dropped afterwards. SQLite is always there;
/// PostgreSQL when <c>LOYALTY_TEST_POSTGRES</c> holds a connection string, SQL Server when <c>LOYALTY_TEST_SQLSERVER</c> does
/// (the account must be allowed to create databases).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LOYALTY_TEST_POSTGRES";
    public const string SqlServerVariable = "LOYALTY_TEST_SQLSERVER";

    private readonly Func<Task> _drop;

    private TestDatabase(DatabaseProvider provider, string connectionString, Func<Task> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _drop = drop;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The providers this run tests on, as xUnit theory data.</summary>
    public static TheoryData<DatabaseProvider> Providers
    {
        get
        {
            var providers = new TheoryData<DatabaseProvider> { DatabaseProvider.Sqlite };
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresVariable)))
            {
                providers.Add(DatabaseProvider.Postgres);
            }

            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SqlServerVariable)))
            {
                providers.Add(DatabaseProvider.SqlServer);
            }

            return providers;
        }
    }

    /// <summary>Configuration keys that point the host at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider.ToString(),
        ["Database:ConnectionString"] = ConnectionString,
    };

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var name = $"loyalty_test_{Guid.NewGuid():N}";
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var file = Path.Combine(Path.GetTempPath(), $"{name}.db");
                return new TestDatabase(provider, $"Data Source={file};Pooling=False", () =>
                {
                    foreach (var path in new[] { file, $"{file}-wal", $"{file}-shm" })
                    {
                        File.Delete(path);
                    }

                    return Task.CompletedTask;
                });

            case DatabaseProvider.Postgres:
                return await CreatePostgresAsync(Required(PostgresVariable));

            case DatabaseProvider.SqlServer:
                var sqlServer = new SqlConnectionStringBuilder(Required(SqlServerVariable));
                await ExecuteAsync(new SqlConnection(sqlServer.ConnectionString), $"CREATE DATABASE [{name}]");
                var master = sqlServer.ConnectionString;
                sqlServer.InitialCatalog = name;
                return new TestDatabase(provider, sqlServer.ConnectionString, () =>
                    ExecuteAsync(new SqlConnection(master), $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]"));

            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
    }

    /// <summary>A fresh database on the PostgreSQL server that <paramref name="server"/> connects to, dropped afterwards.</summary>
    public static async Task<TestDatabase> CreatePostgresAsync(string server)
    {
        var name = $"loyalty_test_{Guid.NewGuid():N}";
        await ExecuteAsync(new NpgsqlConnection(server), $"CREATE DATABASE {name}");
        var postgres = new NpgsqlConnectionStringBuilder(server) { Database = name };
        // A burst of concurrent requests then waits for a pooled connection instead of going past the server's
        // max_connections (100 by default), which every test run on the machine shares.
        postgres.MaxPoolSize = Math.Min(postgres.MaxPoolSize, 30);
        return new TestDatabase(DatabaseProvider.Postgres, postgres.ConnectionString, () =>
            ExecuteAsync(new NpgsqlConnection(server), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }

    /// <summary>
    /// Takes a copy of the database as a backup would (nothing may be connected to it), and gives what restores it:
    /// the database then is as it was at the copy. SQLite copies the file, PostgreSQL a database made from it.
    /// </summary>
    public async Task<Func<Task>> BackUpAsync()
    {
        NpgsqlConnection.ClearAllPools();
        switch (Provider)
        {
            case DatabaseProvider.Sqlite:
                var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource;
                var copy = $"{file}.backup";
                File.Copy(file, copy, overwrite: true);
                return () =>
                {
                    File.Copy(copy, file, overwrite: true);
                    File.Delete($"{file}-wal");
                    File.Delete($"{file}-shm");
                    File.Delete(copy);
                    return Task.CompletedTask;
                };

            case DatabaseProvider.Postgres:
                var database = new NpgsqlConnectionStringBuilder(ConnectionString);
                var name = database.Database!;
                var server = new NpgsqlConnectionStringBuilder(Required(PostgresVariable)).ConnectionString;
                await ExecuteAsync(new NpgsqlConnection(server), $"CREATE DATABASE {name}_backup TEMPLATE {name}");
                return async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    await ExecuteAsync(new NpgsqlConnection(server), $"DROP DATABASE {name} WITH (FORCE)");
                    await ExecuteAsync(new NpgsqlConnection(server), $"ALTER DATABASE {name}_backup RENAME TO {name}");
                };

            default:
                throw new NotSupportedException($"Backing up {Provider} is not part of the tests.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        SqlConnection.ClearAllPools();
        await _drop();
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable)
        ?? throw new InvalidOperationException($"{variable} is not set.");

    private static async Task ExecuteAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
