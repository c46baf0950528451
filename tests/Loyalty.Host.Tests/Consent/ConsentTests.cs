using System.Net;
using System.Net.Http.Json;
using Loyalty.Consent.Contracts;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Consent;

public sealed class ConsentTests
{
    private const string Email = ConsentPurposes.EmailMarketing;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_grant_counts_for_its_purpose_and_channel_only_and_one_withdrawal_ends_it_for_the_next_send(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, dpo) = await SetUpAsync(host);
        var ada = await api.EnrollAsync("shop-ada", "ada@example.com");
        var bob = await api.EnrollAsync("shop-bob", "bob@example.com");
        var consents = $"/api/consent/programs/{api.Program}/members/{ada}/consents";

        var granted = await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, channel = "email", textVersion = 1, locale = "de", source = "webForm", ipAddress = "203.0.113.7" });
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        var record = (await granted.Content.ReadFromJsonAsync<RecordView>())!;
        Assert.Equal(("granted", 1, "de", "webForm", "203.0.113.7"), (record.Status, record.TextVersion, record.Locale, record.Source, record.IpAddress));

        Assert.True(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        Assert.False(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Sms, CancellationToken.None)));
        Assert.False(await GateAsync(host, g => g.MayContactAsync(ada, ConsentPurposes.Profiling, ConsentChannels.Email, CancellationToken.None)));
        Assert.Equal([ada], await GateAsync(host, g => g.WhoMayBeContactedAsync([ada, bob, Guid.NewGuid()], Email, ConsentChannels.Email, CancellationToken.None)));

        // One call withdraws on every channel; the next send is refused, and the history keeps both records.
        var withdrawn = await api.Pos.PostAsJsonAsync($"{consents}/withdrawals", new { purpose = Email, source = "webForm", formId = "account-privacy" });
        withdrawn.EnsureSuccessStatusCode();
        var state = (await withdrawn.Content.ReadFromJsonAsync<ConsentsView>())!;
        Assert.Equal([(Email, null, "withdrawn", false), (Email, "email", "withdrawn", false), (ConsentPurposes.SmsMarketing, null, "none", false)],
            state.Consents.Select(c => (c.Purpose, c.Channel, c.Status, c.Counts)));
        Assert.False(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        Assert.Empty(await GateAsync(host, g => g.WhoMayBeContactedAsync([ada, bob], Email, ConsentChannels.Email, CancellationToken.None)));
        var history = (await dpo.GetFromJsonAsync<List<RecordView>>($"/api/consent/members/{ada}/consents/history"))!;
        Assert.Equal([("granted", "email"), ("withdrawn", null)], history.Select(r => (r.Status, r.Channel)));

        // An unsubscribe link withdraws through the gate; clicking it twice records one withdrawal.
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, channel = "email", textVersion = 1, locale = "en", source = "pos", formId = "till-7" })).EnsureSuccessStatusCode();
        Assert.True(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await GateAsync(host, async g => { await g.WithdrawAsync(ada, Email, ConsentChannels.Email, "unsubscribeLink", CancellationToken.None); return true; });
        await GateAsync(host, async g => { await g.WithdrawAsync(ada, Email, ConsentChannels.Email, "unsubscribeLink", CancellationToken.None); return true; });
        Assert.False(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        history = (await dpo.GetFromJsonAsync<List<RecordView>>($"/api/consent/members/{ada}/consents/history"))!;
        Assert.Equal([("granted", "webForm"), ("withdrawn", "webForm"), ("granted", "pos"), ("withdrawn", "unsubscribeLink")], history.Select(r => (r.Status, r.Source)));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.GetAsync($"/api/consent/members/{ada}/consents/history")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_grant_is_refused_by_field_when_it_bundles_purposes_lacks_evidence_or_names_a_text_never_shown_and_is_recorded_once_per_external_id(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, _) = await SetUpAsync(host);
        var ada = await api.EnrollAsync("shop-ada", "ada@example.com");
        var consents = $"/api/consent/programs/{api.Program}/members/{ada}/consents";

        var bundled = await api.Pos.PostAsJsonAsync(consents, new { purposes = new[] { Email, ConsentPurposes.SmsMarketing }, textVersion = 1, locale = "en", source = "webForm", ipAddress = "203.0.113.7" });
        Assert.Equal(HttpStatusCode.BadRequest, bundled.StatusCode);
        Assert.Equal(["purpose", "purposes"], await FieldsAsync(bundled));
        var unproven = await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, textVersion = 1, locale = "en", source = "telepathy" });
        Assert.Equal(["ipAddress", "source"], await FieldsAsync(unproven));
        var neverShown = await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, textVersion = 1, locale = "fr", source = "webForm", ipAddress = "203.0.113.7" });
        Assert.Equal(["textVersion"], await FieldsAsync(neverShown));
        var unknown = await api.Pos.PostAsJsonAsync(consents, new { purpose = "telemarketing", textVersion = 1, locale = "en", source = "webForm", ipAddress = "203.0.113.7" });
        Assert.Equal(["purpose"], await FieldsAsync(unknown));
        Assert.Equal(HttpStatusCode.NotFound, (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Program}/members/{Guid.NewGuid()}/consents",
            new { purpose = Email, textVersion = 1, locale = "en", source = "webForm", ipAddress = "203.0.113.7" })).StatusCode);

        // A CRM sync sends the same change twice: one record. Another change under its id is refused.
        var sync = new { purpose = Email, channel = "email", textVersion = 1, locale = "en", source = "crmSync", formId = "crm-double-opt-in", externalId = "crm-change-41", occurredAt = host.Clock.GetUtcNow().AddDays(-2) };
        var first = await api.Pos.PostAsJsonAsync(consents, sync);
        var again = await api.Pos.PostAsJsonAsync(consents, sync);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal((await first.Content.ReadFromJsonAsync<RecordView>())!.Id, (await again.Content.ReadFromJsonAsync<RecordView>())!.Id);
        Assert.Equal(HttpStatusCode.Conflict, (await api.Pos.PostAsJsonAsync(consents, sync with { channel = "sms" })).StatusCode);
        var keyed = new HttpRequestMessage(HttpMethod.Post, consents) { Content = JsonContent.Create(new { purpose = Email, channel = "push", textVersion = 1, locale = "en", source = "apiClient", formId = "app-onboarding" }) };
        keyed.Headers.Add("Idempotency-Key", "grant-push-1");
        var repeat = new HttpRequestMessage(HttpMethod.Post, consents) { Content = JsonContent.Create(new { purpose = Email, channel = "push", textVersion = 1, locale = "en", source = "apiClient", formId = "app-onboarding" }) };
        repeat.Headers.Add("Idempotency-Key", "grant-push-1");
        Assert.Equal((await (await api.Pos.SendAsync(keyed)).Content.ReadFromJsonAsync<RecordView>())!.Id, (await (await api.Pos.SendAsync(repeat)).Content.ReadFromJsonAsync<RecordView>())!.Id);

        var state = (await api.Pos.GetFromJsonAsync<ConsentsView>(consents))!;
        Assert.Equal([(Email, "email", "granted", true), (Email, "push", "granted", true), (ConsentPurposes.SmsMarketing, null, "none", false)],
            state.Consents.Select(c => (c.Purpose, c.Channel, c.Status, c.Counts)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_new_text_version_asks_for_consent_again_only_when_it_changes_the_purpose(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, dpo) = await SetUpAsync(host);
        var ada = await api.EnrollAsync("shop-ada", "ada@example.com");
        var consents = $"/api/consent/programs/{api.Program}/members/{ada}/consents";
        (await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, channel = "email", textVersion = 1, locale = "en", source = "webForm", ipAddress = "203.0.113.7" })).EnsureSuccessStatusCode();
        var versions = $"/api/consent/programs/{api.Program}/purposes/{Email}/versions";

        var wording = await dpo.PostAsJsonAsync(versions, new { texts = new { en = "Yes, email me the newsletter and my offers. Unsubscribe any time." }, materialChange = false });
        Assert.Equal(HttpStatusCode.Created, wording.StatusCode);
        Assert.True(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));

        (await dpo.PostAsJsonAsync(versions, new { texts = new { en = "Yes, email me offers, including those of our partner shops." }, materialChange = true })).EnsureSuccessStatusCode();
        Assert.False(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        var state = (await api.Pos.GetFromJsonAsync<ConsentsView>(consents))!.Consents.Single(c => c.Purpose == Email);
        Assert.Equal(("granted", 1, 3, false, true), (state.Status, state.TextVersion, state.CurrentVersion, state.Counts, state.ReconsentNeeded));
        var purpose = (await api.Pos.GetFromJsonAsync<PurposeView>($"/api/consent/programs/{api.Program}/purposes/{Email}"))!;
        Assert.Equal((3, 3), (purpose.LatestVersion, purpose.ValidFromVersion));
        Assert.Equal([(3, true), (2, false), (1, true)], purpose.Versions.Select(v => (v.Version, v.MaterialChange)));

        var outdated = await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, channel = "email", textVersion = 2, locale = "en", source = "webForm", ipAddress = "203.0.113.7" });
        Assert.Equal(["textVersion"], await FieldsAsync(outdated));
        host.Clock.Advance(TimeSpan.FromDays(3));
        (await api.Pos.PostAsJsonAsync(consents, new { purpose = Email, channel = "email", textVersion = 3, locale = "en", source = "webForm", ipAddress = "203.0.113.7" })).EnsureSuccessStatusCode();
        Assert.True(await GateAsync(host, g => g.MayContactAsync(ada, Email, ConsentChannels.Email, CancellationToken.None)));
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.PostAsJsonAsync(versions, new { texts = new { en = "Sneaky" }, materialChange = false })).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_carried_out_objection_or_restriction_overrides_consent_and_excludes_the_member_until_lifted_on_record(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, dpo) = await SetUpAsync(host);
        var programId = (await api.Admin.GetFromJsonAsync<ProgramView>($"/api/members/programs/{api.Program}"))!.Id;
        var ada = await api.EnrollAsync("shop-ada", "ada@example.com");
        var bob = await api.EnrollAsync("shop-bob", "bob@example.com");
        foreach (var member in new[] { ada, bob })
        {
            (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Program}/members/{member}/consents",
                new { purpose = Email, channel = "email", textVersion = 1, locale = "en", source = "webForm", ipAddress = "203.0.113.7" })).EnsureSuccessStatusCode();
        }

        var unmatched = await (await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "objection", email = "ada@example.com", verification = "Reply from the address" })).Content.ReadFromJsonAsync<RequestView>();
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsJsonAsync($"/api/consent/requests/{unmatched!.Id}/status", new { status = "completed" })).StatusCode);
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{unmatched.Id}/subject", new { memberId = ada })).EnsureSuccessStatusCode();
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{unmatched.Id}/status", new { status = "completed" })).EnsureSuccessStatusCode();
        var restriction = await (await api.Pos.PostAsJsonAsync($"/api/consent/members/{bob}/requests", new { type = "restriction", verification = "Signed in to the shop account" }))
            .Content.ReadFromJsonAsync<RequestView>();
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{restriction!.Id}/status", new { status = "completed" })).EnsureSuccessStatusCode();

        Assert.Empty(await GateAsync(host, g => g.WhoMayBeContactedAsync([ada, bob], Email, ConsentChannels.Email, CancellationToken.None)));
        Assert.Equal(new[] { ada, bob }.Order(), (await GateAsync(host, g => g.ExcludedFromAsync(programId, ProcessingUse.Marketing, CancellationToken.None))).Order());
        Assert.Equal(new[] { ada, bob }.Order(), (await GateAsync(host, g => g.ExcludedFromAsync(programId, ProcessingUse.Profiling, CancellationToken.None))).Order());
        Assert.Equal([bob], await GateAsync(host, g => g.ExcludedFromAsync(programId, ProcessingUse.CrmExport, CancellationToken.None)));
        Assert.Empty(await GateAsync(host, g => g.ExcludedFromAsync(Guid.NewGuid(), ProcessingUse.Marketing, CancellationToken.None)));
        var adaState = (await api.Pos.GetFromJsonAsync<ConsentsView>($"/api/consent/programs/{api.Program}/members/{ada}/consents"))!;
        Assert.Equal((true, false, false), (adaState.Objected, adaState.Restricted, adaState.Consents.Single(c => c.Channel == "email").Counts));

        var noReason = await dpo.PostAsJsonAsync($"/api/consent/requests/{restriction.Id}/mark/lift", new { });
        Assert.Equal(["reason"], await FieldsAsync(noReason));
        (await dpo.PostAsJsonAsync($"/api/consent/requests/{restriction.Id}/mark/lift", new { reason = "Accuracy of the data confirmed" })).EnsureSuccessStatusCode();
        Assert.Equal([bob], await GateAsync(host, g => g.WhoMayBeContactedAsync([ada, bob], Email, ConsentChannels.Email, CancellationToken.None)));
        Assert.Equal([ada], await GateAsync(host, g => g.ExcludedFromAsync(programId, ProcessingUse.Marketing, CancellationToken.None)));
        var marks = (await dpo.GetFromJsonAsync<List<MarkView>>($"/api/consent/members/{bob}/marks"))!;
        Assert.Equal([("restriction", "Accuracy of the data confirmed", true)], marks.Select(m => (m.Kind, m.LiftReason, m.LiftedBy!.StartsWith("apikey:", StringComparison.Ordinal))));
        var audit = (await api.Admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/admin/audit?module=consent&limit=200"));
        Assert.Contains("consent.restriction.lifted", audit.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_consent_report_counts_current_grants_per_text_version_and_locale_and_lists_who_to_ask_again_after_a_material_change(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, dpo) = await SetUpAsync(host);
        var ada = await api.EnrollAsync("shop-ada", "ada@example.com");
        var bob = await api.EnrollAsync("shop-bob", "bob@example.com");
        var cem = await api.EnrollAsync("shop-cem", "cem@example.com");
        var dora = await api.EnrollAsync("shop-dora", "dora@example.com");
        async Task GrantAsync(Guid member, int version, string locale) => (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Program}/members/{member}/consents",
            new { purpose = Email, channel = "email", textVersion = version, locale, source = "webForm", ipAddress = "203.0.113.7" })).EnsureSuccessStatusCode();
        await GrantAsync(ada, 1, "en");
        await GrantAsync(bob, 1, "de");
        await GrantAsync(cem, 1, "en");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        (await api.Pos.PostAsJsonAsync($"/api/consent/programs/{api.Program}/members/{cem}/consents/withdrawals", new { purpose = Email, source = "webForm", formId = "account-privacy" })).EnsureSuccessStatusCode();
        var versions = $"/api/consent/programs/{api.Program}/purposes/{Email}/versions";
        (await dpo.PostAsJsonAsync(versions, new { texts = new { en = "Yes, email me the newsletter. Unsubscribe any time." }, materialChange = false })).EnsureSuccessStatusCode();
        await GrantAsync(dora, 2, "en");
        var report = $"/api/consent/programs/{api.Program}/purposes/{Email}/report";

        var before = (await dpo.GetFromJsonAsync<ReportView>(report))!;
        Assert.Equal((2, 1, 3, 0, 1), (before.LatestVersion, before.ValidFromVersion, before.Counting, before.ReconsentNeeded, before.Withdrawn));
        Assert.Equal([(2, "en", false, 1, 0), (1, "de", true, 1, 0), (1, "en", true, 1, 0)], before.Versions.Select(v => (v.TextVersion, v.Locale, v.MaterialChange, v.Granted, v.ReconsentNeeded)));
        var german = (await dpo.GetFromJsonAsync<ReportPage>($"{report}/members?version=1&locale=de"))!;
        Assert.Equal([(bob, "email", true)], german.Items.Select(i => (i.MemberId, i.Channel, i.Counts)));

        // A new use of the data: every consent under an older text stops counting and its member is to be asked again.
        (await dpo.PostAsJsonAsync(versions, new { texts = new { en = "Yes, email me offers, including those of our partner shops." }, materialChange = true })).EnsureSuccessStatusCode();
        var after = (await dpo.GetFromJsonAsync<ReportView>(report))!;
        Assert.Equal((0, 3, 1), (after.Counting, after.ReconsentNeeded, after.Withdrawn));
        var first = (await dpo.GetFromJsonAsync<ReportPage>($"{report}/members?reconsentNeeded=true&limit=2"))!;
        Assert.NotNull(first.Next);
        var second = (await dpo.GetFromJsonAsync<ReportPage>($"{report}/members?reconsentNeeded=true&limit=2&after={first.Next}"))!;
        Assert.Null(second.Next);
        Assert.Equal(new[] { ada, bob, dora }.Order(), first.Items.Concat(second.Items).Select(i => i.MemberId).Order());
        Assert.All(first.Items.Concat(second.Items), i => Assert.True(i.ReconsentNeeded && !i.Counts));

        await GrantAsync(ada, 3, "en");
        var reconsented = (await dpo.GetFromJsonAsync<ReportView>(report))!;
        Assert.Equal((1, 2), (reconsented.Counting, reconsented.ReconsentNeeded));
        Assert.Equal(["limit"], await FieldsAsync(await dpo.GetAsync($"{report}/members?limit=0")));
        Assert.Equal(HttpStatusCode.NotFound, (await dpo.GetAsync($"/api/consent/programs/{api.Program}/purposes/telemarketing/report")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.GetAsync(report)).StatusCode);
    }

    /// <summary>A program with two purposes, email marketing (version 1 in English and German) and SMS marketing (no text yet).</summary>
    internal static async Task<(MembersApi Api, HttpClient Dpo)> SetUpAsync(LoyaltyHost host)
    {
        var api = await MembersApi.CreateAsync(host);
        var dpo = await host.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        await SetUpPurposeAsync(dpo, api.Program);
        return (api, dpo);
    }

    internal static async Task SetUpPurposeAsync(HttpClient dpo, string program)
    {
        var purposes = $"/api/consent/programs/{program}/purposes";
        var created = await dpo.PostAsJsonAsync(purposes, new { key = Email, name = "Newsletter by email", description = "Our newsletter and offers by email." });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dpo.PostAsJsonAsync(purposes, new { key = Email, name = "Newsletter by email", description = "Our newsletter and offers by email." })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await dpo.PostAsJsonAsync(purposes, new { key = Email, name = "Something else", description = "Other." })).StatusCode);
        (await dpo.PostAsJsonAsync(purposes, new { key = ConsentPurposes.SmsMarketing, name = "Offers by SMS", description = "Offers by text message." })).EnsureSuccessStatusCode();
        var published = await dpo.PostAsJsonAsync($"{purposes}/{Email}/versions", new { texts = new Dictionary<string, string> { ["en"] = "Yes, send me the newsletter.", ["de"] = "Ja, schickt mir den Newsletter." } });
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
    }

    internal static async Task<T> GateAsync<T>(LoyaltyHost host, Func<IConsentGate, Task<T>> ask)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await ask(scope.ServiceProvider.GetRequiredService<IConsentGate>());
    }

    private static async Task<List<string>> FieldsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<Problem>())!.Errors.Keys.Order(StringComparer.Ordinal)];
    }

    private sealed record ProgramView(Guid Id);

    private sealed record RequestView(Guid Id);

    private sealed record MarkView(string Kind, string? LiftedBy, string? LiftReason);

    private sealed record Problem(Dictionary<string, string[]> Errors);

    internal sealed record RecordView(Guid Id, string Purpose, string? Channel, string Status, int? TextVersion, string? Locale, string Source, string? IpAddress, string? FormId);

    internal sealed record StateView(string Purpose, string? Channel, string Status, int? TextVersion, int CurrentVersion, bool Counts, bool ReconsentNeeded);

    internal sealed record ConsentsView(Guid MemberId, bool Objected, bool Restricted, List<StateView> Consents);

    private sealed record VersionView(int Version, bool MaterialChange, Dictionary<string, string> Texts);

    private sealed record VersionCountView(int TextVersion, string Locale, bool MaterialChange, int Granted, int ReconsentNeeded);

    private sealed record ReportView(int LatestVersion, int ValidFromVersion, int Counting, int ReconsentNeeded, int Withdrawn, List<VersionCountView> Versions);

    private sealed record ReportMemberView(Guid MemberId, string? Channel, bool Counts, bool ReconsentNeeded);

    private sealed record ReportPage(List<ReportMemberView> Items, Guid? Next);

    private sealed record PurposeView(string Key, int LatestVersion, int ValidFromVersion, List<VersionView> Versions);
}
