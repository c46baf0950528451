using Loyalty.Administration.Contracts;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Startup;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;

namespace Loyalty.Host.Commands;

/// <summary>
/// Command verbs: <c>migrate</c>, <c>create-admin --user-name NAME [--roles Admin,Support] [--password …]</c>, <c>seed-demo</c>,
/// <c>check-ledger [--program CODE]</c>, <c>import --program CODE --kind members|transactions --file PATH [--format csv|ndjson]</c>,
/// <c>replay-erasures [--journal PATH]</c>.
/// They run against the configured database and exit; options are ordinary configuration keys.
/// </summary>
internal static class HostCommands
{
    private static readonly string[] Verbs = ["migrate", "create-admin", "seed-demo", "check-ledger", "import", "replay-erasures"];

    public static (string? Command, string[] HostArgs) Split(string[] args) =>
        args.Length > 0 && Verbs.Contains(args[0]) ? (args[0], args[1..]) : (null, args);

    public static async Task<int> RunAsync(WebApplication app, string command)
    {
        switch (command)
        {
            case "migrate":
                await DatabaseSetup.MigrateAsync(app.Services, app.Configuration);
                Console.WriteLine("Database migrated.");
                return 0;
            case "seed-demo":
                await DatabaseSetup.MigrateAsync(app.Services, app.Configuration);
                await DatabaseSetup.SeedDemoAsync(app.Services);
                Console.WriteLine("Demo program seeded.");
                return 0;
            case "check-ledger":
                return await CheckLedgerAsync(app);
            case "import":
                return await ImportAsync(app);
            case "replay-erasures":
                return await ReplayErasuresAsync(app);
            default:
                return await CreateAdminAsync(app);
        }
    }

    /// <summary>Exit 0 when every balance matches its ledger, 1 with a line per mismatch otherwise.</summary>
    private static async Task<int> CheckLedgerAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var program = app.Configuration["program"];
        var mismatches = await scope.ServiceProvider.GetRequiredService<ILedgerConsistency>().CheckAsync(program, CancellationToken.None);
        foreach (var m in mismatches)
        {
            Console.WriteLine($"account {m.AccountId} (member {m.MemberId}, {m.Currency}): {m.Problem}");
        }

        Console.WriteLine(mismatches.Count == 0
            ? $"Ledger consistent{(program is null ? string.Empty : $" for program '{program}'")}."
            : $"{mismatches.Count} account(s) disagree with their ledger.");
        return mismatches.Count == 0 ? 0 : 1;
    }

    /// <summary>Exit 0 when every erasure of the journal is done in the database, 1 when one did not complete or the replay could not run.</summary>
    private static async Task<int> ReplayErasuresAsync(WebApplication app)
    {
        if (DatabaseOptions.From(app.Configuration).MigrateOnStartup)
        {
            await DatabaseSetup.MigrateAsync(app.Services, app.Configuration);
        }

        await using var scope = app.Services.CreateAsyncScope();
        ErasureReplayResult result;
        try
        {
            result = await scope.ServiceProvider.GetRequiredService<IErasureReplay>().ReplayAsync(app.Configuration["journal"], CancellationToken.None);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        Console.WriteLine($"Erasure journal {result.JournalPath}: {result.Entries} erasures, {result.AlreadyDone} already done, {result.Replayed} erased again, " +
                          $"{result.UnknownMembers} of members this database does not hold, {result.Failed} not completed.");
        if (result.Failed > 0)
        {
            Console.WriteLine("The requests not completed are open in the DPO's queue; the retry job goes on with them.");
        }

        return result.Failed == 0 ? 0 : 1;
    }

    /// <summary>Exit 0 when the import completed (bad rows are reported, not fatal), 1 when it failed or could not start, 2 for usage.</summary>
    private static async Task<int> ImportAsync(WebApplication app)
    {
        var (program, kind, file) = (app.Configuration["program"], app.Configuration["kind"], app.Configuration["file"]);
        if (string.IsNullOrWhiteSpace(program) || string.IsNullOrWhiteSpace(kind) || string.IsNullOrWhiteSpace(file))
        {
            await Console.Error.WriteLineAsync("Usage: import --program CODE --kind members|transactions --file PATH [--format csv|ndjson]");
            return 2;
        }

        if (DatabaseOptions.From(app.Configuration).MigrateOnStartup)
        {
            await DatabaseSetup.MigrateAsync(app.Services, app.Configuration);
        }

        static string Counts(ImportProgress p) =>
            $"{p.RowsRead} rows read: {p.RowsSucceeded} imported, {p.RowsSkipped} already there, {p.RowsFailed} bad";
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IMemberImports>().ImportFileAsync(
            program, kind, file, app.Configuration["format"],
            p => Console.WriteLine($"line {p.CheckpointLine}, {(p.BytesTotal == 0 ? 100 : p.BytesDone * 100 / p.BytesTotal)}%: {Counts(p)}"),
            CancellationToken.None);
        if (result.Job is not { } job)
        {
            await Console.Error.WriteLineAsync(result.Error);
            return 1;
        }

        Console.WriteLine(result.AlreadyCompleted
            ? $"Import {job.JobId} of this file already completed: {Counts(job)}."
            : $"Import {job.JobId} {job.Status}{(result.Resumed ? " (resumed)" : string.Empty)}: {Counts(job)}.");
        if (job.RowsFailed > 0)
        {
            Console.WriteLine($"Bad rows are listed at GET /api/members/programs/{program}/imports/{job.JobId}/errors.");
        }

        if (job.FailureReason is not null)
        {
            await Console.Error.WriteLineAsync(job.FailureReason);
        }

        return job.Status == "completed" ? 0 : 1;
    }

    private static async Task<int> CreateAdminAsync(WebApplication app)
    {
        var userName = app.Configuration["user-name"];
        if (string.IsNullOrWhiteSpace(userName))
        {
            await Console.Error.WriteLineAsync("Usage: create-admin --user-name NAME [--roles Admin,Support] [--password PASSWORD]");
            return 2;
        }

        if (DatabaseOptions.From(app.Configuration).MigrateOnStartup)
        {
            await DatabaseSetup.MigrateAsync(app.Services, app.Configuration);
        }

        // A password on the command line lands in shell history; without one, a strong one is generated and shown once.
        var password = app.Configuration["password"] is { Length: > 0 } given ? given : DatabaseSetup.GeneratePassword();
        var roles = (app.Configuration["roles"] ?? Roles.Admin).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IAdminUsers>().CreateAsync(userName, password, roles, CancellationToken.None);
        if (!result.Succeeded)
        {
            await Console.Error.WriteLineAsync($"{result.Field}: {result.Error}");
            return 1;
        }

        Console.WriteLine(app.Configuration["password"] is { Length: > 0 }
            ? $"Created '{userName}' ({string.Join(", ", roles)})."
            : $"Created '{userName}' ({string.Join(", ", roles)}) with password '{password}'.");
        return 0;
    }
}
