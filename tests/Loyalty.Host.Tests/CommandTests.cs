using System.Diagnostics;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests;

/// <summary>The command verbs, run as an operator would: the built host in its own process.</summary>
public sealed class CommandTests
{
    [Fact]
    public async Task Migrate_then_create_admin_then_seed_demo_work_on_a_new_database()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var migrate = await RunHostAsync(database, "migrate");
        var create = await RunHostAsync(database, "create-admin", "--user-name", "dora", "--roles", "DataProtectionOfficer,Support");
        var duplicate = await RunHostAsync(database, "create-admin", "--user-name", "dora");
        var seed = await RunHostAsync(database, "seed-demo");

        Assert.Equal((0, "Database migrated."), (migrate.ExitCode, migrate.Output.Trim()));
        Assert.Equal(0, create.ExitCode);
        Assert.Matches("^Created 'dora' \\(DataProtectionOfficer, Support\\) with password '[A-Za-z0-9]{20}'\\.$", create.Output.Trim());
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("userName: This user name is taken.", duplicate.Error, StringComparison.Ordinal);
        Assert.Equal(0, seed.ExitCode);
    }

    [Fact]
    public async Task Create_admin_without_a_user_name_explains_its_usage()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);

        var result = await RunHostAsync(database, "create-admin");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Usage: create-admin", result.Error, StringComparison.Ordinal);
    }

    internal static async Task<(int ExitCode, string Output, string Error)> RunHostAsync(TestDatabase database, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(HostAssembly)!,
        };
        start.ArgumentList.Add(HostAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>The host as built next to this test assembly (the test project references it).</summary>
    private static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "Loyalty.Host.dll");
}
