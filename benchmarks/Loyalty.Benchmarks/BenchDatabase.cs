using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Loyalty.Benchmarks;

/// <summary>A fresh database for one benchmark run, dropped afterwards: a SQLite file, or a PostgreSQL database.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LOYALTY_BENCH_POSTGRES";
    // Loopback without TLS, for the host and for pgbench alike (PgBench follows the SSL mode given here): encrypting a
    // connection that never leaves the machine measures OpenSSL, not the product. Set LOYALTY_BENCH_POSTGRES to measure with TLS.
    private const string DefaultPostgres = "Host=127.0.0.1;Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable";

    private readonly Func<Task> _drop;

    private BenchDatabase(string provider, string connectionString, string? serverConnectionString, string name, Func<Task> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        ServerConnectionString = serverConnectionString;
        Name = name;
        _drop = drop;
    }

    /// <summary><c>Sqlite</c> or <c>Postgres</c>, as the host's <c>Database:Provider</c> names it.</summary>
    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>For PostgreSQL: the server connection the database was created from (pgbench connects with it).</summary>
    public string? ServerConnectionString { get; }

    public string Name { get; }

    public bool IsPostgres => Provider == "Postgres";

    public static async Task<BenchDatabase> CreateAsync(string provider)
    {
        var name = $"loyalty_bench_{Guid.NewGuid():N}"[..30];
        if (provider == "Sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"{name}.db");
            return new BenchDatabase(provider, $"Data Source={file}", null, name, () =>
            {
                SqliteConnection.ClearAllPools();
                foreach (var path in new[] { file, $"{file}-wal", $"{file}-shm" })
                {
                    File.Delete(path);
                }

                return Task.CompletedTask;
            });
        }

        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresVariable) ?? DefaultPostgres);
        await ExecuteAsync(new NpgsqlConnection(server.ConnectionString), $"CREATE DATABASE {name}");
        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, MaxPoolSize = 200 };
        return new BenchDatabase(provider, database.ConnectionString, server.ConnectionString, name, () =>
        {
            NpgsqlConnection.ClearAllPools();
            return ExecuteAsync(new NpgsqlConnection(server.ConnectionString), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    public DbConnection Open()
    {
        DbConnection connection = IsPostgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A table of a module as the provider names it: a schema on PostgreSQL, a prefix on SQLite.</summary>
    public string Table(string schema, string table) => IsPostgres ? $"{schema}.\"{table}\"" : $"\"{schema}_{table}\"";

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _drop();

    private static async Task ExecuteAsync(DbConnection connection, string sql)
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
