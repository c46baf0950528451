using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Loyalty.Host.Tests.Members;

public sealed class ImportTests : IDisposable
{
    private static readonly string[] MilkValues = ["oat", "soy"];

    private readonly string _folder = Directory.CreateTempSubdirectory("loyalty-import-tests-").FullName;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_members_csv_imports_the_good_rows_and_reports_each_bad_one_by_line_field_and_reason(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var csv = """
            externalId,email,firstName,lastName,birthDate,cardNumber,country,attr.favouriteStore
            shop-1,ada@example.com,Ada,Lovelace,1985-12-10,C-1,GB,london
            shop-2,not-an-email,Bad,Email,,,,
            shop-3,grace@example.com,Grace,Hopper,10/12/1906,,,
            shop-4,,Alan,,,C-4,DE,
            shop-4,ada@example.com,Other,Person,,,,
            shop-6,x@example.com,Too,Few
            ,,Nobody,,,,,
            shop-8,linus@example.com,Linus,,,,,
            """;

        var job = await UploadAndWaitAsync(api, csv, "text/csv", "members.csv");
        var errors = await ErrorsAsync(api, job.Id);

        Assert.Equal(("completed", 8L, 3L, 0L, 5L), (job.Status, job.RowsRead, job.RowsSucceeded, job.RowsSkipped, job.RowsFailed));
        Assert.Equal(100, job.Percent);
        Assert.Equal(
            [(3L, "email"), (4L, "birthDate"), (6L, "externalId"), (7L, "line"), (8L, "email")],
            errors.Select(e => (e.LineNumber, e.Field)).ToList());
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
        // The error rows say where and why, never what: no personal data from the file.
        string[] values = ["not-an-email", "10/12/1906", "Grace", "Other", "Person", "shop-4", "Nobody"];
        Assert.DoesNotContain(errors, e => values.Any(v => e.Reason.Contains(v, StringComparison.Ordinal) || e.Field.Contains(v, StringComparison.Ordinal)));
        var ada = await api.Admin.GetFromJsonAsync<ImportedMember>($"{api.Members}/by/externalId/shop-1");
        Assert.Equal(("Lovelace", "GB", "london", "import"), (ada!.LastName, ada.Address.Country, ada.Attributes["favouriteStore"], ada.EnrollmentChannel));
        Assert.Equal(HttpStatusCode.OK, (await api.Admin.GetAsync($"{api.Members}/by/card/C-4")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Importing_the_same_file_again_answers_its_job_and_an_overlapping_file_skips_the_known_members(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var ndjson = string.Join('\n',
            """{"externalId":"shop-1","email":"ada@example.com","firstName":"Ada","address":{"city":"London","country":"GB"},"attributes":{"newsletter":"yes"}}""",
            """{"externalId":"shop-2","birthDate":"not a date"}""",
            "",
            """{"externalId":"shop-3","cardNumber":"C-3"}""",
            """{"externalId":"shop-4",""");

        var first = await UploadAndWaitAsync(api, ndjson, "application/x-ndjson", "members.ndjson");
        var again = await api.Pos.PostAsync($"/api/members/programs/{api.Program}/imports?kind=members&fileName=members.ndjson", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        var overlapping = await UploadAndWaitAsync(api, """{"externalId":"shop-3"}""" + "\n" + """{"externalId":"shop-9"}""", "application/x-ndjson", "more.ndjson");

        Assert.Equal(("completed", 4L, 2L, 0L, 2L), (first.Status, first.RowsRead, first.RowsSucceeded, first.RowsSkipped, first.RowsFailed));
        Assert.Equal([(2L, "birthDate"), (5L, "line")], (await ErrorsAsync(api, first.Id)).Select(e => (e.LineNumber, e.Field)).ToList());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Id, (await again.Content.ReadFromJsonAsync<Job>())!.Id);
        Assert.Equal((1L, 1L), (overlapping.RowsSucceeded, overlapping.RowsSkipped));
        var members = await api.Admin.GetFromJsonAsync<MemberPage>($"{api.Members}?limit=100");
        Assert.Equal(3, members!.Items.Count);
        Assert.Equal("yes", (await api.Admin.GetFromJsonAsync<ImportedMember>($"{api.Members}/by/externalId/shop-1"))!.Attributes["newsletter"]);
        // The runner deletes a completed upload's copy just after it marked the job completed.
        for (var wait = Stopwatch.StartNew(); Directory.EnumerateFiles(_folder).Any() && wait.Elapsed < TimeSpan.FromSeconds(10);)
        {
            await Task.Delay(50);
        }

        Assert.Empty(Directory.EnumerateFiles(_folder));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Transactions_import_through_the_accrual_path_once_each_with_csv_lines_grouped_by_external_id(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = (await (await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", cardNumber = "C-1" })).Content.ReadFromJsonAsync<MembersApi.MemberView>())!.Id;
        var csv = """
            externalId,cardNumber,occurredAt,currency,total,sku,category,quantity,unitPrice
            T-1,C-1,2026-11-01T10:00:00Z,EUR,999,latte,coffee,2,350
            T-1,,,,,cake,,1,299
            T-2,C-1,2026-11-01T11:00:00Z,EUR,500,,,,
            T-3,C-404,2026-11-01T11:00:00Z,EUR,500,,,,
            T-4,C-1,2026-11-01T11:00:00Z,EUR,abc,,,,
            T-5,C-1,2026-11-01T11:00:00Z,EUR,1000,tea,,1,100
            T-6,C-1,2026-11-01T12:00:00Z,USD,100,,,,
            """;
        var ndjson = string.Join('\n',
            """{"externalId":"T-1","cardNumber":"C-1","occurredAt":"2026-11-01T10:00:00Z","currency":"EUR","total":999,"lines":[{"sku":"latte","category":"coffee","quantity":2,"unitPrice":350},{"sku":"cake","quantity":1,"unitPrice":299}]}""",
            """{"externalId":"T-7","memberExternalId":"shop-1","occurredAt":"2026-11-01T13:00:00Z","currency":"EUR","total":2000}""",
            """{"externalId":"T-2","cardNumber":"C-1","occurredAt":"2026-11-01T11:00:00Z","currency":"EUR","total":600}""");

        var first = await UploadAndWaitAsync(api, csv, "text/csv", "transactions.csv", "transactions");
        var pointsAfterCsv = await api.PointsAsync(member);
        var again = await api.Pos.PostAsync($"/api/members/programs/{api.Program}/imports?kind=transactions&format=csv", new StringContent(csv, Encoding.UTF8));
        var second = await UploadAndWaitAsync(api, ndjson, "application/x-ndjson", "transactions.ndjson", "transactions");

        Assert.Equal(("completed", 6L, 2L, 0L, 4L), (first.Status, first.RowsRead, first.RowsSucceeded, first.RowsSkipped, first.RowsFailed));
        Assert.Equal(
            [(5L, "memberId"), (6L, "total"), (7L, "lines"), (8L, "currency")],
            (await ErrorsAsync(api, first.Id)).Select(e => (e.LineNumber, e.Field)).ToList());
        Assert.Equal(9 + 5, pointsAfterCsv.Available);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((1L, 1L, 1L), (second.RowsSucceeded, second.RowsSkipped, second.RowsFailed));
        Assert.Equal([(3L, "externalId")], (await ErrorsAsync(api, second.Id)).Select(e => (e.LineNumber, e.Field)).ToList());
        Assert.Equal(9 + 5 + 20, (await api.PointsAsync(member)).Available);
    }

    [Fact]
    public async Task Imported_attributes_are_checked_against_the_programs_attribute_definitions()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var defined = await api.Admin.PutAsJsonAsync(
            $"/api/members/programs/{api.Program}/attribute-definitions/milk", new { type = "enum", allowedValues = MilkValues });

        var job = await UploadAndWaitAsync(api, "externalId,attr.milk\nshop-1,oat\nshop-2,rice", "text/csv", "members.csv");

        Assert.Equal(HttpStatusCode.Created, defined.StatusCode);
        Assert.Equal((1L, 1L), (job.RowsSucceeded, job.RowsFailed));
        var error = Assert.Single(await ErrorsAsync(api, job.Id));
        Assert.Equal((3L, "attributes.milk"), (error.LineNumber, error.Field));
        Assert.DoesNotContain("rice", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_names_what_is_wrong_with_it_and_a_bad_header_fails_the_job_with_the_reason()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);

        var noKind = await api.Pos.PostAsync($"/api/members/programs/{api.Program}/imports", new StringContent("externalId\nshop-1", Encoding.UTF8, "text/csv"));
        var noFormat = await api.Pos.PostAsync($"/api/members/programs/{api.Program}/imports?kind=members", new StringContent("externalId\nshop-1", Encoding.UTF8, "text/plain"));
        var unknownProgram = await api.Pos.PostAsync("/api/members/programs/nope/imports?kind=members&format=csv", new StringContent("externalId\nshop-1"));
        var badHeader = await UploadAndWaitAsync(api, "externalId,shoeSize\nshop-1,44", "text/csv", "members.csv");

        Assert.Equal(HttpStatusCode.BadRequest, noKind.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noFormat.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownProgram.StatusCode);
        Assert.Equal("failed", badHeader.Status);
        Assert.StartsWith("Unknown column 'shoeSize'", badHeader.FailureReason, StringComparison.Ordinal);
        Assert.Equal(0, badHeader.RowsRead);
    }

    [Fact]
    public async Task Progress_and_errors_are_read_in_pages_while_the_rows_go_in_batch_by_batch()
    {
        await using var host = await StartAsync(DatabaseProvider.Sqlite);
        var api = await MembersApi.CreateAsync(host);
        var csv = "externalId,email\n" + string.Join('\n', Enumerable.Range(1, 30).Select(i => i % 3 == 0 ? $"shop-{i},bad" : $"shop-{i},"));

        var job = await UploadAndWaitAsync(api, csv, "text/csv", "members.csv");
        var firstPage = await api.Pos.GetFromJsonAsync<ErrorPage>($"/api/members/programs/{api.Program}/imports/{job.Id}/errors?limit=4");
        var secondPage = await api.Pos.GetFromJsonAsync<ErrorPage>($"/api/members/programs/{api.Program}/imports/{job.Id}/errors?limit=100&after={firstPage!.Next}");

        Assert.Equal((30L, 20L, 10L, 31L), (job.RowsRead, job.RowsSucceeded, job.RowsFailed, job.CheckpointLine));
        Assert.Equal([4L, 7L, 10L, 13L], firstPage.Items.Select(e => e.LineNumber));
        Assert.Equal(6, secondPage!.Items.Count);
        Assert.Null(secondPage.Next);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await host.ApiKeyClientAsync("Support")).GetAsync($"/api/members/programs/{api.Program}/imports/{job.Id}")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_programs_imports_are_listed_newest_first_in_pages(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var jobs = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            jobs.Add((await UploadAndWaitAsync(api, $"externalId\nlist-{i}", "text/csv", $"list-{i}.csv")).Id);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var imports = $"/api/members/programs/{api.Program}/imports";
        var first = await api.Pos.GetFromJsonAsync<JobPage>($"{imports}?limit=2");
        var second = await api.Pos.GetFromJsonAsync<JobPage>($"{imports}?limit=2&after={first!.Next}");
        var tooLarge = await api.Pos.GetAsync($"{imports}?limit=101");
        var unknownProgram = await api.Pos.GetAsync("/api/members/programs/nope/imports");

        Assert.Equal([jobs[2], jobs[1]], first.Items.Select(j => j.Id));
        Assert.Equal([jobs[0]], second!.Items.Select(j => j.Id));
        Assert.Null(second.Next);
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("limit", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.NotFound, unknownProgram.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await host.ApiKeyClientAsync("Support")).GetAsync(imports)).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_import_verb_killed_mid_file_resumes_from_its_checkpoint_and_ends_as_a_clean_run_would(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        const int rows = 2000;
        var file = Path.Combine(_folder, "members.csv");
        await File.WriteAllLinesAsync(file, ["externalId,email,firstName", .. Enumerable.Range(1, rows).Select(i => $"shop-{i},m{i}@example.com,M{i}")]);
        Assert.Equal(0, (await RunHostAsync(database, null, "seed-demo")).ExitCode);
        string[] import = ["import", "--program", "demo-coffee-club", "--kind", "members", "--file", file];

        var killed = await RunHostAsync(database, killAfterProgressLines: 2, import);
        var enrolledBeforeResume = await CountAsync(database, "Members");
        var resumed = await RunHostAsync(database, null, import);
        var repeated = await RunHostAsync(database, null, import);

        Assert.NotEqual(0, killed.ExitCode);
        Assert.InRange(enrolledBeforeResume, 40, rows - 1);
        Assert.Equal(0, resumed.ExitCode);
        var summary = resumed.Output.Trim().Split('\n')[^1];
        Assert.Matches($"^Import [0-9a-f-]{{36}} completed \\(resumed\\): {rows} rows read: {rows} imported, 0 already there, 0 bad\\.$", summary);
        Assert.DoesNotContain("line 21,", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(rows, await CountAsync(database, "Members"));
        Assert.Equal(rows, await CountAsync(database, "OutboxMessages", "\"EventType\" LIKE '%MemberEnrolled%'"));
        Assert.Equal(rows * 2, await CountAsync(database, "PointsAccounts"));
        Assert.Equal(0, repeated.ExitCode);
        Assert.Contains($"of this file already completed: {rows} rows read: {rows} imported", repeated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_import_verb_explains_its_usage_and_refuses_an_unknown_program()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var file = Path.Combine(_folder, "members.ndjson");
        await File.WriteAllTextAsync(file, """{"externalId":"shop-1"}""");

        var usage = await RunHostAsync(database, null, "import", "--file", file);
        var unknown = await RunHostAsync(database, null, "import", "--program", "nope", "--kind", "members", "--file", file);

        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("Usage: import", usage.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("--program: There is no program 'nope'.", unknown.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<LoyaltyHost> StartAsync(DatabaseProvider provider) => LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
    {
        ["Modules:Members:Imports:Directory"] = _folder,
        ["Modules:Members:Imports:BatchSize"] = "3",
    });

    private static async Task<Job> UploadAndWaitAsync(MembersApi api, string content, string contentType, string fileName, string kind = "members")
    {
        var response = await api.Pos.PostAsync(
            $"/api/members/programs/{api.Program}/imports?kind={kind}&fileName={fileName}", new StringContent(content, Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = response.Headers.Location!;
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = await api.Pos.GetFromJsonAsync<Job>(location);
            if (job!.Status is "completed" or "failed" || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                return job;
            }

            await Task.Delay(50);
        }
    }

    private static async Task<List<Error>> ErrorsAsync(MembersApi api, Guid job) =>
        (await api.Pos.GetFromJsonAsync<ErrorPage>($"/api/members/programs/{api.Program}/imports/{job}/errors?limit=100"))!.Items;

    /// <summary>Runs the built host as a process; with <paramref name="killAfterProgressLines"/>, kills it after that many committed batches.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunHostAsync(TestDatabase database, int? killAfterProgressLines, params string[] arguments)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Loyalty.Host.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(host);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Modules__Members__Imports__BatchSize"] = "20";
        // The killed run's lease must run out before the second run may take the job over.
        start.Environment["Modules__Members__Imports__LeaseDuration"] = "00:00:01";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        var progressLines = 0;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output.AppendLine(line);
            if (line.StartsWith("line ", StringComparison.Ordinal) && ++progressLines == killAfterProgressLines)
            {
                process.Kill(entireProcessTree: true);
                break;
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        if (killAfterProgressLines is not null)
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        return (process.ExitCode, output.ToString(), await error);
    }

    private static async Task<long> CountAsync(TestDatabase database, string table, string? where = null)
    {
        await using DbConnection connection = database.Provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(database.ConnectionString)
            : new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        var name = database.Provider == DatabaseProvider.Sqlite ? $"\"members_{table}\"" : $"members.\"{table}\"";
        command.CommandText = $"SELECT COUNT(*) FROM {name}{(where is null ? string.Empty : $" WHERE {where}")}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed record Job(Guid Id, string Status, long RowsRead, long RowsSucceeded, long RowsSkipped, long RowsFailed, long CheckpointLine, int Percent, string? FailureReason);

    private sealed record Error(Guid Id, long LineNumber, string Field, string Reason);

    private sealed record ErrorPage(List<Error> Items, Guid? Next);

    private sealed record JobPage(List<Job> Items, Guid? Next);

    private sealed record ImportedMember(Guid Id, string? LastName, string EnrollmentChannel, Address Address, Dictionary<string, string> Attributes);

    private sealed record Address(string? Country);

    private sealed record MemberPage(List<MembersApi.MemberView> Items, Guid? Next);
}
