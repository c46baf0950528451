using System.Globalization;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Npgsql;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// Several host processes of one installation on one fresh PostgreSQL database, sharing the imports folder as nodes
/// on one server would. The first node migrates the database and creates the bootstrap admin; the others start after it.
/// </summary>
public sealed class HostCluster : IAsyncDisposable
{
    public const string AdminUserName = "cluster-admin";
    public const string AdminPassword = "cluster admin password 1";

    private readonly TestDatabase _database;
    private readonly string _imports = Directory.CreateTempSubdirectory("loyalty-cluster-imports-").FullName;

    private HostCluster(TestDatabase database, int nodes, IReadOnlyDictionary<string, string> settings)
    {
        _database = database;
        var pool = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 20 };
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Database__Provider"] = DatabaseProvider.Postgres.ToString(),
            ["Database__ConnectionString"] = pool.ConnectionString,
            ["Bootstrap__AdminUserName"] = AdminUserName,
            ["Bootstrap__AdminPassword"] = AdminPassword,
            ["Modules__Members__Imports__Directory"] = _imports,
            ["RateLimiting__PermitsPerWindow"] = "100000",
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        Nodes = [.. Enumerable.Range(0, nodes).Select(i => new HostProcess($"node{i}", environment))];
    }

    public IReadOnlyList<HostProcess> Nodes { get; }

    public string ConnectionString => _database.ConnectionString;

    /// <summary>An admin's API key, created through the bootstrap admin's sign-in on the first node.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    /// <summary>An integration's API key (enrolments, purchases, redemptions).</summary>
    public string IntegratorKey { get; private set; } = string.Empty;

    /// <summary>Starts <paramref name="nodes"/> on a fresh database of the test server, or of <paramref name="server"/> when given.</summary>
    public static async Task<HostCluster> StartAsync(int nodes, IReadOnlyDictionary<string, string>? settings = null, string? server = null)
    {
        var database = server is null ? await TestDatabase.CreateAsync(DatabaseProvider.Postgres) : await TestDatabase.CreatePostgresAsync(server);
        var cluster = new HostCluster(database, nodes, settings ?? new Dictionary<string, string>());
        try
        {
            // The first node migrates; the others then find a migrated database, as in a rolling start.
            await cluster.Nodes[0].StartAsync();
            await Task.WhenAll(cluster.Nodes.Skip(1).Select(n => n.StartAsync()));
            using var admin = await SignedInAdminAsync(cluster.Nodes[0]);
            cluster.AdminKey = await CreateKeyAsync(admin.Client, Roles.Admin);
            cluster.IntegratorKey = await CreateKeyAsync(admin.Client, Roles.Integrator);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of <paramref name="node"/> holding the bootstrap admin's sign-in cookie.</summary>
    public static async Task<SignedIn> SignedInAdminAsync(HostProcess node)
    {
        var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer() };
        var client = new HttpClient(handler) { BaseAddress = node.BaseAddress };
        var response = await client.PostAsJsonAsync("/api/admin/auth/sign-in", new { userName = AdminUserName, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        return new SignedIn(client, handler.CookieContainer.GetCookieHeader(node.BaseAddress));
    }

    /// <summary>One number from the database (a COUNT, a SUM).</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, CultureInfo.InvariantCulture);
    }

    /// <summary>The schemas of the modules that have an outbox.</summary>
    public async Task<List<string>> OutboxSchemasAsync() =>
        [.. (await RowsAsync("SELECT table_schema FROM information_schema.tables WHERE table_name = 'OutboxMessages' ORDER BY 1")).Select(r => r[0]!)];

    /// <summary>
    /// Waits until every module's outbox is delivered. The nodes work off a backlog one message at a time, so the wait
    /// lasts while the backlog shrinks; it fails, showing the rows, when it stops shrinking for 30 s or after 2 minutes.
    /// </summary>
    /// <returns>How many messages were undelivered when the wait began.</returns>
    public async Task<long> WaitForOutboxesAsync(string context)
    {
        var undelivered = string.Join(" UNION ALL ", (await OutboxSchemasAsync()).Select(schema =>
            $"SELECT '{schema}', \"Id\", \"EventType\", \"Status\", \"Attempts\", \"NextAttemptAt\", \"LockedUntil\", \"LockedBy\", \"LastError\" FROM {schema}.\"OutboxMessages\" WHERE \"Status\" <> 'Delivered'"));
        var backlog = await ScalarAsync($"SELECT COUNT(*) FROM ({undelivered}) u");
        var drain = System.Diagnostics.Stopwatch.StartNew();
        for (var (left, progress) = (backlog, System.Diagnostics.Stopwatch.StartNew()); left > 0; await Task.Delay(500))
        {
            var now = await ScalarAsync($"SELECT COUNT(*) FROM ({undelivered}) u");
            if (now < left)
            {
                (left, progress) = (now, System.Diagnostics.Stopwatch.StartNew());
            }
            else if (now > 0 && (progress.Elapsed > TimeSpan.FromSeconds(30) || drain.Elapsed > TimeSpan.FromMinutes(2)))
            {
                var rows = await RowsAsync($"{undelivered} LIMIT 20");
                Assert.Fail($"{now} outbox messages were not delivered ({context}, at {DateTimeOffset.UtcNow:O}):\n"
                    + string.Join('\n', rows.Select(r => string.Join(" | ", r))));
            }
        }

        return backlog;
    }

    /// <summary>Rows of the database as strings.</summary>
    public async Task<List<string?[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_imports, recursive: true);
    }

    /// <summary>A new API key with <paramref name="role"/>, created through the bootstrap admin's sign-in on the first node.</summary>
    public async Task<string> CreateKeyAsync(string role)
    {
        using var admin = await SignedInAdminAsync(Nodes[0]);
        return await CreateKeyAsync(admin.Client, role);
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string role)
    {
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = $"cluster-{role}-{Guid.NewGuid():N}", roles = new[] { role } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKey>())!.Key;
    }

    /// <summary>A signed-in client and its cookie, which another node must accept too (the key ring is shared).</summary>
    public sealed record SignedIn(HttpClient Client, string Cookie) : IDisposable
    {
        public void Dispose() => Client.Dispose();
    }

    private sealed record CreatedKey(string Key);
}
