using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Consent;

public sealed class DataSubjectRequestTests : IDisposable
{
    private const string Secret = "a suppression secret of at least thirty-two characters";
    private readonly string _exports = Path.Combine(Path.GetTempPath(), $"loyalty-exports-{Guid.NewGuid():N}");
    private readonly FlakyProvider _flaky = new();

    public void Dispose()
    {
        if (Directory.Exists(_exports))
        {
            Directory.Delete(_exports, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Requests_are_due_a_month_later_by_the_end_of_month_rule_extend_only_within_that_month_and_queue_by_due_date(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider, withFlaky: false);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-1", "ada@example.com");

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 31, 22, 30, 0, TimeSpan.Zero));
        var january = await FileAsync(dpo, new { type = "access", memberId = member, verification = "Email from the registered address" });
        host.Clock.SetUtcNow(new DateTimeOffset(2028, 1, 31, 8, 0, 0, TimeSpan.Zero));
        var leapYear = await FileAsync(dpo, new { type = "rectification", email = "Someone@Example.com", verification = "Reply to our email" });
        host.Clock.SetUtcNow(new DateTimeOffset(2028, 2, 15, 8, 0, 0, TimeSpan.Zero));
        var february = await FileAsync(dpo, new { type = "objection", phone = "+49 30 1234", verification = "Call back on the registered number" });

        Assert.Equal(("2027-02-28", "2028-02-29", "2028-03-15"), (january.DueOn, leapYear.DueOn, february.DueOn));
        Assert.Equal("someone@example.com", leapYear.SubjectContact);

        // Too late for the 2027 request; the leap-year one may still be extended, by at most two months, with a reason.
        var late = await dpo.PostAsJsonAsync($"/api/consent/requests/{january.Id}/extension", new { months = 2, reason = "Complex" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var tooLong = await dpo.PostAsJsonAsync($"/api/consent/requests/{leapYear.Id}/extension", new { months = 3, reason = "Complex" });
        var noReason = await dpo.PostAsJsonAsync($"/api/consent/requests/{leapYear.Id}/extension", new { months = 2 });
        Assert.Equal(["months"], (await tooLong.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys);
        Assert.Equal(["reason"], (await noReason.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys);
        var extended = await dpo.PostAsJsonAsync($"/api/consent/requests/{leapYear.Id}/extension", new { months = 2, reason = "Data of twelve years in three stores" });
        extended.EnsureSuccessStatusCode();
        Assert.Equal("2028-04-30", (await extended.Content.ReadFromJsonAsync<RequestView>())!.EffectiveDueOn);
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsJsonAsync($"/api/consent/requests/{leapYear.Id}/extension", new { months = 1, reason = "Again" })).StatusCode);

        var rejectWithoutReason = await dpo.PostAsJsonAsync($"/api/consent/requests/{february.Id}/status", new { status = "rejected" });
        Assert.Equal(["reason"], (await rejectWithoutReason.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys);
        (await dpo.PutAsJsonAsync($"/api/consent/requests/{february.Id}/handling", new { assignee = "dora", notes = "Asked by phone" })).EnsureSuccessStatusCode();

        host.Clock.SetUtcNow(new DateTimeOffset(2028, 3, 10, 8, 0, 0, TimeSpan.Zero));
        var queue = (await dpo.GetFromJsonAsync<List<RequestView>>("/api/consent/requests"))!;
        Assert.Equal([january.Id, february.Id, leapYear.Id], queue.Select(r => r.Id));
        Assert.Equal([(true, false), (false, true), (false, false)], queue.Select(r => (r.Overdue, r.DueSoon)));
        Assert.Equal("dora", queue[1].Assignee);

        (await dpo.PostAsJsonAsync($"/api/consent/requests/{february.Id}/status", new { status = "rejected", reason = "Identity not verified" })).EnsureSuccessStatusCode();
        Assert.Equal([january.Id, leapYear.Id], (await dpo.GetFromJsonAsync<List<RequestView>>("/api/consent/requests"))!.Select(r => r.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.GetAsync("/api/consent/requests")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_export_is_offered_only_when_every_module_contributed_encrypted_at_rest_and_downloadable_once(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-7", "grace@example.com");
        (await api.PurchaseAsync("T-1", member, 4200, host.Clock.GetUtcNow().AddHours(-1))).EnsureSuccessStatusCode();
        var request = await FileAsync(api.Pos, new { type = "access", verification = "Signed in to the shop account" }, $"/api/consent/members/{member}/requests");
        _flaky.FailExports = 1;

        var first = await (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export", null)).Content.ReadFromJsonAsync<RequestView>();
        Assert.Equal("inProgress", first!.Status);
        Assert.Null(first.Archive);
        Assert.Equal(("failed", "InvalidOperationException"), first.Steps!.Where(s => s.Name == FlakyProvider.Name).Select(s => (s.Status, s.Error)).Single());
        Assert.Equal("done", first.Steps!.Single(s => s.Name == "members").Status);
        Assert.Equal(HttpStatusCode.NotFound, (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export/link", null)).StatusCode);
        Assert.Empty(Directory.Exists(_exports) ? Directory.GetFiles(_exports) : []);

        await host.RunJobAsync("consent", "RetryDataSubjectRequestsJob");
        var retried = (await dpo.GetFromJsonAsync<RequestView>($"/api/consent/requests/{request.Id}"))!;
        Assert.Equal("completed", retried.Status);
        Assert.All(retried.Steps!, s => Assert.Equal("done", s.Status));
        var stored = Assert.Single(Directory.GetFiles(_exports));
        var atRest = await File.ReadAllBytesAsync(stored);
        Assert.False(atRest.AsSpan().IndexOf("PK"u8) == 0 || Encoding.UTF8.GetString(atRest).Contains("members.json", StringComparison.Ordinal));

        var link = (await (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export/link", null)).Content.ReadFromJsonAsync<Link>())!;
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.GetAsync(link.Url)).StatusCode);
        var download = await dpo.GetAsync(link.Url);
        Assert.Equal("application/zip", download.Content.Headers.ContentType!.MediaType);
        using (var zip = new ZipArchive(new MemoryStream(await download.Content.ReadAsByteArrayAsync())))
        {
            Assert.Equal(["campaigns.json", "connectors.json", "consent.json", "feedback.json", "flaky.json", "manifest.json", "members.json", "summary.html"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            var members = Read(zip, "members.json");
            Assert.Equal("grace@example.com", members.GetProperty("profile").GetProperty("email").GetString());
            Assert.Equal(["T-1"], members.GetProperty("transactions").EnumerateArray().Select(t => t.GetProperty("externalId").GetString()));
            var manifest = Read(zip, "manifest.json");
            Assert.True(manifest.GetProperty("complete").GetBoolean());
            Assert.Equal(["campaigns", "connectors", "consent", "feedback", "flaky", "members"], manifest.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("module").GetString()));
            Assert.Equal(request.Id, Read(zip, "consent.json").GetProperty("requests")[0].GetProperty("id").GetGuid());
            using var summary = new StreamReader(zip.GetEntry("summary.html")!.Open());
            Assert.Contains("<h2>members</h2>", await summary.ReadToEndAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Gone, (await dpo.GetAsync(link.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await dpo.PostAsync($"/api/consent/requests/{request.Id}/export/link", null)).StatusCode);
        Assert.Empty(Directory.GetFiles(_exports));
        var archive = (await dpo.GetFromJsonAsync<RequestView>($"/api/consent/requests/{request.Id}"))!.Archive!;
        Assert.True(archive.Deleted);
        Assert.StartsWith("apikey:", archive.DownloadedBy, StringComparison.Ordinal);

        // A second export's link expires unused, and the retention job deletes its file.
        var portability = await FileAsync(dpo, new { type = "portability", memberId = member, verification = "Signed in to the shop account" });
        Assert.Equal("completed", (await (await dpo.PostAsync($"/api/consent/requests/{portability.Id}/export", null)).Content.ReadFromJsonAsync<RequestView>())!.Status);
        var expiring = (await (await dpo.PostAsync($"/api/consent/requests/{portability.Id}/export/link", null)).Content.ReadFromJsonAsync<Link>())!;
        host.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Equal(HttpStatusCode.Gone, (await dpo.GetAsync(expiring.Url)).StatusCode);
        Assert.Single(Directory.GetFiles(_exports));
        host.Clock.Advance(TimeSpan.FromDays(30));
        await host.RunJobAsync("consent", "DeleteExpiredExportsJob");
        Assert.Empty(Directory.GetFiles(_exports));
        Assert.True((await dpo.GetFromJsonAsync<RequestView>($"/api/consent/requests/{portability.Id}"))!.Archive!.Deleted);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_erasure_resumes_after_a_failing_module_is_one_record_per_member_and_suppresses_the_person(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var member = await api.EnrollAsync("shop-9", "Erase.Me@example.com");
        var shop = $"/api/consent/members/{member}/requests";
        var keyed = new HttpRequestMessage(HttpMethod.Post, shop) { Content = JsonContent.Create(new { type = "erasure", verification = "Signed in to the shop account" }) };
        keyed.Headers.Add("Idempotency-Key", "erase-9");
        var filed = await api.Pos.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var request = (await filed.Content.ReadFromJsonAsync<RequestView>())!;
        var second = await api.Pos.PostAsJsonAsync(shop, new { type = "erasure", verification = "Asked again" });
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(request.Id, (await second.Content.ReadFromJsonAsync<RequestView>())!.Id);
        _flaky.FailErasures = 1;

        var stopped = (await (await dpo.PostAsync($"/api/consent/requests/{request.Id}/erasure", null)).Content.ReadFromJsonAsync<RequestView>())!;
        Assert.Equal("inProgress", stopped.Status);
        Assert.Equal(("failed", 1), stopped.Steps!.Where(s => s.Name == FlakyProvider.Name).Select(s => (s.Status, s.Attempts)).Single());
        Assert.Equal("done", stopped.Steps!.Single(s => s.Name == "members").Status);
        Assert.Equal("Erased", (await api.Admin.GetFromJsonAsync<MembersApi.MemberView>($"{api.Members}/{member}"))!.Status);

        var resumed = (await (await dpo.PostAsync($"/api/consent/requests/{request.Id}/erasure", null)).Content.ReadFromJsonAsync<RequestView>())!;
        Assert.Equal("completed", resumed.Status);
        Assert.Equal([("erasure", "campaigns", "done", 1), ("erasure", "connectors", "done", 1), ("erasure", "consent", "done", 1), ("erasure", "feedback", "done", 1), ("erasure", "flaky", "done", 2), ("erasure", "members", "done", 1), ("recipient", "crm connections", "notApplicable", 1)],
            resumed.Steps!.Select(s => (s.Kind, s.Name, s.Status, s.Attempts)));
        var membersReport = resumed.Steps!.Single(s => s.Name == "members").Report!.Value;
        Assert.All(membersReport.GetProperty("retained").EnumerateArray(), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("legalBasis").GetString())));
        Assert.Equal(2, _flaky.Erasures);
        Assert.Equal(request.Id, (await (await api.Pos.PostAsJsonAsync(shop, new { type = "erasure", verification = "Once more" })).Content.ReadFromJsonAsync<RequestView>())!.Id);

        // The person cannot be enrolled or imported again, by email (in any case), external id or card.
        var again = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-new", email = "erase.me@EXAMPLE.com", channel = "web" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var problem = (await again.Content.ReadFromJsonAsync<JsonElement>())!;
        Assert.Equal(("email", "suppressed"), (problem.GetProperty("field").GetString(), problem.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-9", channel = "web" })).StatusCode);
        await api.EnrollAsync("shop-other", "someone.else@example.com");

        var upload = await api.Pos.PostAsync($"/api/members/programs/{api.Program}/imports?kind=members&fileName=m.csv",
            new StringContent("externalId,email\nshop-10,erase.me@example.com\nshop-11,new.person@example.com\n", Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var job = await WaitAsync(api, upload.Headers.Location!);
        Assert.Equal(("completed", 1L, 1L), (job.Status, job.RowsSucceeded, job.RowsFailed));
        var error = Assert.Single((await api.Pos.GetFromJsonAsync<ErrorPage>($"/api/members/programs/{api.Program}/imports/{job.Id}/errors?limit=100"))!.Items);
        Assert.Equal((2L, "email"), (error.LineNumber, error.Field));
        Assert.StartsWith("Suppressed", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filing_names_the_field_that_is_wrong_and_erasure_waits_for_a_matched_member(DatabaseProvider provider)
    {
        await using var host = await StartAsync(provider, withFlaky: false);
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var bad = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "forget-me", memberId = Guid.NewGuid(), email = "a@example.com" });
        Assert.Equal(["memberId", "type", "verification"], (await bad.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys.Order(StringComparer.Ordinal));

        var unmatched = await FileAsync(dpo, new { type = "erasure", email = "ada@example.com", verification = "Reply from the address" });
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsync($"/api/consent/requests/{unmatched.Id}/erasure", null)).StatusCode);
        var member = await api.EnrollAsync("shop-1", "ada@example.com");
        var matched = await dpo.PostAsJsonAsync($"/api/consent/requests/{unmatched.Id}/subject", new { memberId = member });
        Assert.Equal((member, (string?)null), (await matched.Content.ReadFromJsonAsync<RequestView>()) is { } m ? (m.MemberId!.Value, m.SubjectContact) : default);
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsync($"/api/consent/requests/{unmatched.Id}/export", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsJsonAsync($"/api/consent/requests/{unmatched.Id}/status", new { status = "completed" })).StatusCode);
        Assert.Equal("completed", (await (await dpo.PostAsync($"/api/consent/requests/{unmatched.Id}/erasure", null)).Content.ReadFromJsonAsync<RequestView>())!.Status);
    }

    private Task<LoyaltyHost> StartAsync(DatabaseProvider provider, bool withFlaky = true) => LoyaltyHost.StartAsync(provider, new Dictionary<string, string?>
    {
        ["Modules:Consent:ExportDirectory"] = _exports,
        ["Modules:Consent:SuppressionSecret"] = Secret,
    }, services =>
    {
        if (withFlaky)
        {
            services.AddScoped<IPersonalDataProvider>(_ => _flaky);
        }
    });

    private static async Task<RequestView> FileAsync(HttpClient client, object body, string url = "/api/consent/requests")
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RequestView>())!;
    }

    private static JsonElement Read(ZipArchive zip, string entry)
    {
        using var stream = zip.GetEntry(entry)!.Open();
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    private static async Task<Job> WaitAsync(MembersApi api, Uri location)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = (await api.Pos.GetFromJsonAsync<Job>(location))!;
            if (job.Status is "completed" or "failed" || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                return job;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A module whose export or erasure fails the first times, as a module would whose database is briefly away.</summary>
    private sealed class FlakyProvider : IPersonalDataProvider
    {
        public const string Name = "flaky";

        public int FailExports { get; set; }

        public int FailErasures { get; set; }

        public int Erasures { get; private set; }

        public string Module => Name;

        public PersonalDataDescription Description { get; } = new(["test data"], ["testing"], "until erasure");

        public async Task ExportAsync(Guid memberId, Utf8JsonWriter writer, CancellationToken cancellationToken)
        {
            writer.WriteStartObject();
            writer.WriteString("memberId", memberId);
            await writer.FlushAsync(cancellationToken);
            if (FailExports-- > 0)
            {
                throw new InvalidOperationException("The flaky module's database is away.");
            }

            writer.WriteEndObject();
        }

        public Task<ErasureReport> EraseAsync(Guid memberId, CancellationToken cancellationToken)
        {
            Erasures++;
            return FailErasures-- > 0
                ? throw new InvalidOperationException("The flaky module's database is away.")
                : Task.FromResult(new ErasureReport(Name, ["test data"], []));
        }
    }

    private sealed record Problem(Dictionary<string, string[]> Errors);

    private sealed record Link(string Url, DateTimeOffset ExpiresAt);

    private sealed record Step(string Kind, string Name, string Status, int Attempts, string? Error, JsonElement? Report);

    private sealed record Archive(DateTimeOffset? DownloadedAt, string? DownloadedBy, bool Deleted);

    private sealed record RequestView(
        Guid Id, string Type, Guid? MemberId, string? SubjectContact, string DueOn, string EffectiveDueOn, bool Overdue, bool DueSoon, string Status,
        string? Assignee, List<Step>? Steps, Archive? Archive);

    private sealed record Job(Guid Id, string Status, long RowsSucceeded, long RowsFailed);

    private sealed record ImportError(long LineNumber, string Field, string Reason);

    private sealed record ErrorPage(List<ImportError> Items);
}
