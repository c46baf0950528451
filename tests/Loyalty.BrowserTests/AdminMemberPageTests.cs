using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Loyalty.Testing.Salesforce;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>
/// The member page complete, in a real browser: what the other modules hold of the member (purchases, redemptions,
/// vouchers, consents, survey answers, CRM sync), suspending, reactivating and closing, and merging a duplicate.
/// </summary>
public sealed class AdminMemberPageTests
{
    private const string Program = "uimp";
    private const string Support = "browser-support";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_sees_the_members_purchases_paged_redemptions_vouchers_consents_and_survey_answers_and_each_read_is_audited(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (grace, _) = await SeedAsync(host);
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        for (var i = 1; i <= 12; i++)
        {
            var bought = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/transactions", new
            {
                externalId = $"T-{i:00}", memberId = grace, occurredAt = host.Clock.GetUtcNow(), currency = "EUR", total = 1000 + i, channel = "pos", store = "berlin-mitte",
                lines = Array.Empty<object>(),
            });
            Assert.True(bought.IsSuccessStatusCode, await bought.Content.ReadAsStringAsync());
            // Transaction ids are time-ordered; two in one millisecond would have no defined order.
            host.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        await CreditAsync(admin, grace, 1000);
        var reward = await admin.PostAsJsonAsync($"/api/rewards/programs/{Program}/rewards", new { name = "Free coffee", kind = "freeProductVoucher", pointsCost = 200, productSku = "coffee" });
        reward.EnsureSuccessStatusCode();
        var rewardId = (await reward.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var redeemed = await integrator.PostAsJsonAsync($"/api/rewards/programs/{Program}/members/{grace}/redemptions", new { rewardId, externalId = "order-1" });
        Assert.True(redeemed.IsSuccessStatusCode, await redeemed.Content.ReadAsStringAsync());

        var purposes = $"/api/consent/programs/{Program}/purposes";
        foreach (var (key, name) in new[] { ("email-marketing", "Newsletter by email"), ("profiling", "Personal offers") })
        {
            (await admin.PostAsJsonAsync(purposes, new { key, name, description = name })).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"{purposes}/{key}/versions", new { texts = new Dictionary<string, string> { ["en"] = $"Yes: {name}." } })).EnsureSuccessStatusCode();
        }

        var granted = await integrator.PostAsJsonAsync($"/api/consent/programs/{Program}/members/{grace}/consents",
            new { purpose = "email-marketing", channel = "email", textVersion = 1, locale = "en", source = "webForm", formId = "newsletter-signup" });
        Assert.True(granted.IsSuccessStatusCode, await granted.Content.ReadAsStringAsync());

        var surveys = $"/api/feedback/programs/{Program}/surveys";
        (await admin.PutAsJsonAsync($"{surveys}/visit", new
        {
            defaultLocale = "en", title = new { en = "Your visit" }, linkValidDays = 30,
            questions = new object[]
            {
                new { id = "stars", type = "rating", text = new { en = "How was it?" }, required = true },
                new { id = "nps", type = "nps", text = new { en = "Would you recommend us?" }, required = true },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{surveys}/visit/publish", null)).EnsureSuccessStatusCode();
        var sent = await integrator.PostAsJsonAsync($"{surveys}/visit/sends", new { memberId = grace, trigger = "browser" });
        sent.EnsureSuccessStatusCode();
        using (var client = new HttpClient())
        {
            var link = new Uri(host.Address, (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetString());
            var answered = await client.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string> { ["q.stars"] = "4", ["q.nps"] = "9" }));
            Assert.True(answered.IsSuccessStatusCode, $"The answer was refused: {(int)answered.StatusCode}");
        }

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 1400, Height = 900 } })).NewPageAsync();
        await host.SignInAsync(page, Support, StaffPassword);
        await OpenAsync(page, host, grace);

        var transactions = page.GetByRole(AriaRole.Table, new() { Name = "Purchase transactions" });
        await Expect(transactions.GetByRole(AriaRole.Row)).ToHaveCountAsync(11);
        await Expect(transactions.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("T-12");
        await Expect(transactions.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("10.12 EUR");
        await Expect(transactions.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("berlin-mitte");
        await Expect(transactions).Not.ToContainTextAsync("T-02");

        var redemptions = page.GetByRole(AriaRole.Table, new() { Name = "Redemptions" });
        await Expect(redemptions.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(redemptions).ToContainTextAsync("Free coffee");
        await Expect(redemptions).ToContainTextAsync("Completed");
        var vouchers = page.GetByRole(AriaRole.Table, new() { Name = "Vouchers" });
        await Expect(vouchers.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(vouchers).ToContainTextAsync("FreeProductVoucher");
        await Expect(vouchers).ToContainTextAsync("Active");
        await Expect(vouchers).ToContainTextAsync("0 / 1");

        var consents = page.GetByRole(AriaRole.Table, new() { Name = "Consents" });
        var newsletter = consents.GetByRole(AriaRole.Row, new() { Name = "email-marketing" });
        await Expect(newsletter).ToContainTextAsync("Granted");
        await Expect(newsletter).ToContainTextAsync("1 (current 1)");
        await Expect(newsletter).ToContainTextAsync("webForm");
        await Expect(consents.GetByRole(AriaRole.Row, new() { Name = "profiling" })).ToContainTextAsync("Never asked");

        var answers = page.GetByRole(AriaRole.Table, new() { Name = "Survey answers" });
        await Expect(answers.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(answers).ToContainTextAsync("Your visit (visit)");
        // The NPS question's answer, not the rating asked first.
        await Expect(answers.GetByRole(AriaRole.Row).Nth(1).GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("9");
        await Expect(page.GetByText("No CRM connection syncs this program.")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-member-page", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "Older transactions" }).ClickAsync();
        await Expect(transactions.GetByRole(AriaRole.Row)).ToHaveCountAsync(3);
        await Expect(transactions).ToContainTextAsync("T-01");
        await Expect(transactions).Not.ToContainTextAsync("T-03");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older transactions" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Newest transactions" }).ClickAsync();
        await Expect(transactions).ToContainTextAsync("T-12");

        // Every module that showed the member's data recorded the read, under the support user's name.
        var reads = (await admin.GetFromJsonAsync<List<AuditView>>($"/api/admin/personal-data-access?member={grace}&limit=200"))!;
        foreach (var action in new[] { "members.member.viewed", "members.transactions.viewed", "rewards.member-rewards.viewed", "consent.consents.viewed", "feedback.survey-answers.viewed", "connectors.crm-links.viewed" })
        {
            Assert.Contains(reads, r => r.Action == action && r.Actor.Contains(Support, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_suspends_reactivates_and_closes_a_membership_each_confirmed_first_and_a_missing_reason_is_shown_at_its_field(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (grace, _) = await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, Support, StaffPassword);
        await OpenAsync(page, host, grace);

        // Without a reason: confirmed, then refused by the API, with its reason at the field and nothing changed.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Suspend this membership with the reason “”?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend now" }).ClickAsync();
        await Expect(page.Locator("#status-reason-error")).ToContainTextAsync("Say why");
        await Expect(page.GetByLabel("Explanation for the status change")).ToHaveAttributeAsync("aria-describedby", "status-reason-error");
        await Expect(Profile(page)).ToContainTextAsync("Active");

        await page.GetByLabel("Explanation for the status change").FillAsync("Card reported stolen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Suspend this membership with the reason “Card reported stolen”?");
        await Expect(Profile(page)).ToContainTextAsync("Active");
        await Screenshots.SaveAsync(page, "admin-member-suspend-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspend now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The membership was suspended.");
        await Expect(Profile(page)).ToContainTextAsync("Suspended");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspend…" })).ToHaveCountAsync(0);

        await page.GetByLabel("Explanation for the status change").FillAsync("Card found again");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reactivate…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Reactivate now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The membership was reactivated.");
        await Expect(Profile(page)).ToContainTextAsync("Active");

        // Cancel leaves it as it is.
        await page.GetByLabel("Explanation for the status change").FillAsync("Moved abroad");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close membership…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("A closed membership cannot be reopened");
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(Profile(page)).ToContainTextAsync("Active");

        await page.GetByLabel("Explanation for the status change").FillAsync("Moved abroad");
        await page.GetByRole(AriaRole.Button, new() { Name = "Close membership…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Close now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The membership was closed.");
        await Expect(Profile(page)).ToContainTextAsync("Closed");
        await Expect(page.GetByText("a closed membership stays closed")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reactivate…" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Merge a duplicate into this member" })).ToHaveCountAsync(0);

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var audit = (await admin.GetFromJsonAsync<List<AuditView>>("/api/admin/audit?module=members&limit=200"))!;
        Assert.Equal(3, audit.Count(a => a.Action == "members.member.status-changed" && a.EntityId == grace.ToString() && a.Actor.Contains(Support, StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Support_finds_a_duplicate_by_card_reviews_what_moves_and_merges_it_once_the_reason_is_given(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (grace, duplicate) = await SeedAsync(host);
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        await CreditAsync(admin, duplicate, 300);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, Support, StaffPassword);
        await OpenAsync(page, host, grace);

        await page.GetByLabel("Card number of the duplicate").FillAsync("C-404");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find duplicate" }).ClickAsync();
        await Expect(page.GetByText("No other member has this card number or email.")).ToBeVisibleAsync();
        await page.GetByLabel("Card number of the duplicate").FillAsync("C-778");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find duplicate" }).ClickAsync();
        var candidates = page.GetByRole(AriaRole.Table, new() { Name = "Possible duplicates" });
        await Expect(candidates.GetByRole(AriaRole.Row)).ToHaveCountAsync(2);
        await Expect(candidates).ToContainTextAsync("G. Hopper");
        Assert.DoesNotContain("C-778", page.Url, StringComparison.Ordinal);

        await candidates.GetByRole(AriaRole.Button, new() { Name = "Review merge…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Merge “G. Hopper” into “Grace Hopper”? This cannot be undone");
        var moves = page.GetByTestId("merge-moves");
        await Expect(moves).ToContainTextAsync("Card: C-778");
        await Expect(moves).ToContainTextAsync("not the email g.hopper@example.com: this member keeps their own");
        await Expect(moves).ToContainTextAsync("points: 300 available, 0 pending");
        await Expect(page.GetByTestId("merge-stays")).ToContainTextAsync("consents, survey answers and CRM links stay under its id");
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 0 available, 0 pending");

        // Without a reason the API refuses; the confirmation stays, with the reason at the field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge now" }).ClickAsync();
        await Expect(page.Locator("#merge-reason-error")).ToContainTextAsync("Say why");
        await Expect(page.GetByLabel("Explanation for the merge")).ToHaveAttributeAsync("aria-describedby", "merge-reason-error");
        await Expect(page.GetByTestId("merge-moves")).ToContainTextAsync("Card: C-778");
        await page.GetByLabel("Explanation for the merge").FillAsync("Same person, enrolled twice");
        await Screenshots.SaveAsync(page, "admin-member-merge-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Merge now" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The duplicate was merged into this member.");
        await Expect(page.GetByTestId("balance-points")).ToHaveTextAsync("points: 300 available, 0 pending");
        await Expect(page.GetByText("Card: C-778")).ToBeVisibleAsync();
        await Expect(page.GetByText("Card: C-777")).ToBeVisibleAsync();
        var byCard = await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members?card=C-778");
        Assert.Equal(grace, Assert.Single(byCard.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_sees_for_each_crm_connection_the_members_link_and_last_sync_or_that_a_change_waits(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        await SeedAsync(host);
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        var crmId = crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var created = await admin.PostAsJsonAsync("/api/connectors/connections", new
        {
            name = "salesforce-emea", connectorId = "salesforce",
            settings = new Dictionary<string, string> { ["loginUrl"] = crm.LoginUrl, ["clientId"] = "fake-client-id", ["clientSecret"] = "fake-client-secret" },
        });
        created.EnsureSuccessStatusCode();
        var connection = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var setup = await admin.PutAsJsonAsync($"/api/connectors/connections/{connection}/sync", new
        {
            program = Program, @object = "Contact", externalIdField = "Loyalty_Id__c", pageSize = 200, lookBackSeconds = 60,
            mappings = new object[]
            {
                new { direction = "inbound", loyaltyField = "email", crmField = "Email" },
                new { direction = "inbound", loyaltyField = "firstName", crmField = "FirstName" },
                new { direction = "inbound", loyaltyField = "lastName", crmField = "LastName" },
                new { direction = "outbound", loyaltyField = "lastName", crmField = "LastName" },
            },
        });
        Assert.True(setup.IsSuccessStatusCode, await setup.Content.ReadAsStringAsync());
        await RunAsync(admin, connection);
        var ada = (await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members?email=ada%40example.com")).GetProperty("items")[0].GetProperty("id").GetGuid();

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, BrowserHost.AdminUserName, BrowserHost.AdminPassword);
        await OpenAsync(page, host, ada);
        var link = page.GetByRole(AriaRole.Table, new() { Name = "CRM sync" }).GetByTestId("crm-link");
        await Expect(link).ToHaveCountAsync(1);
        await Expect(link).ToContainTextAsync("salesforce-emea (salesforce)");
        await Expect(link).ToContainTextAsync(crmId);
        await Expect(link).ToContainTextAsync("In sync");
        await Expect(link.GetByRole(AriaRole.Link, new() { Name = "salesforce-emea" })).ToHaveAttributeAsync("href", $"/admin/connectors/{connection}");

        // A member enrolled in the shop waits for the next outbound run.
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { email = "linus@example.com", firstName = "Linus", lastName = "Torvalds", channel = "web" });
        enrolled.EnsureSuccessStatusCode();
        var linus = (await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await DeliverMembersEventsAsync(host);
        await OpenAsync(page, host, linus);
        await Expect(link).ToContainTextAsync("Not linked yet");
        await Expect(link).ToContainTextAsync("A change waits for the next run");

        // Support staff see the status but are not led to the connection, which only admins may open.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await host.SignInAsync(page, Support, StaffPassword);
        await OpenAsync(page, host, ada);
        await Expect(link).ToContainTextAsync(crmId);
        await Expect(link.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_member_page_speaks_German_and_suspends_in_German(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        var (grace, _) = await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "de-DE" })).NewPageAsync();
        await page.GotoAsync(new Uri(host.Address, "/admin/sign-in").ToString());
        await page.GetByLabel("Benutzername").FillAsync(Support);
        await page.GetByLabel("Passwort").FillAsync(StaffPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Übersicht" })).ToBeVisibleAsync();
        await OpenAsync(page, host, grace);

        foreach (var heading in new[] { "Einkäufe", "Einlösungen und Gutscheine", "Einwilligungen", "Umfrageantworten", "CRM-Abgleich", "Mitgliedschaft", "Duplikat mit diesem Mitglied zusammenführen" })
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
        }

        await Expect(page.GetByText("Keine Einkäufe.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Keine Umfrageantworten.")).ToBeVisibleAsync();
        await page.GetByLabel("Erläuterung der Statusänderung").FillAsync("Karte gestohlen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sperren…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Diese Mitgliedschaft mit der Begründung „Karte gestohlen“ sperren?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Jetzt sperren" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Die Mitgliedschaft wurde gesperrt.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Reaktivieren…" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-member-page-de", fullPage: true);
    }

    /// <summary>A program, Grace (card C-777) and her duplicate G. Hopper (card C-778, another email), and a support user; answers both ids.</summary>
    private static async Task<(Guid Grace, Guid Duplicate)> SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Member Page", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        var ids = new List<Guid>();
        foreach (var member in new object[]
        {
            new { email = "grace@example.com", firstName = "Grace", lastName = "Hopper", cardNumber = "C-777", externalId = "uimp-1", channel = "web" },
            new { email = "g.hopper@example.com", firstName = "G.", lastName = "Hopper", cardNumber = "C-778", channel = "pos" },
        })
        {
            var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", member);
            Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
            ids.Add((await enrolled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        (await admin.PostAsJsonAsync("/api/admin/users", new { userName = Support, password = StaffPassword, roles = new[] { Roles.Support } })).EnsureSuccessStatusCode();
        return (ids[0], ids[1]);
    }

    private static async Task CreditAsync(HttpClient admin, Guid member, long points)
    {
        using var credit = new HttpRequestMessage(HttpMethod.Post, $"/api/members/programs/{Program}/members/{member}/adjustments")
        {
            Content = JsonContent.Create(new { points, reason = "Welcome gift" }),
        };
        credit.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        (await admin.SendAsync(credit)).EnsureSuccessStatusCode();
    }

    private static async Task OpenAsync(IPage page, BrowserHost host, Guid member)
    {
        var response = await page.GotoAsync(new Uri(host.Address, $"/admin/members/{Program}/{member}").ToString());
        Assert.Equal(200, response!.Status);
    }

    /// <summary>Starts a run of the connection and waits until the host's scheduler has finished it.</summary>
    private static async Task RunAsync(HttpClient admin, Guid connection)
    {
        var started = await admin.PostAsync($"/api/connectors/connections/{connection}/runs", null);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var run = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        for (var i = 0; i < 300; i++)
        {
            var status = (await admin.GetFromJsonAsync<JsonElement>($"/api/connectors/connections/{connection}/runs/{run}")).GetProperty("status").GetString();
            if (status is not ("queued" or "running"))
            {
                Assert.Equal("completed", status);
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The sync run did not finish.");
    }

    /// <summary>Moves the host's clock on until the Members module's outbox has delivered its events (the dispatcher waits on the clock).</summary>
    private static async Task DeliverMembersEventsAsync(BrowserHost host)
    {
        for (var i = 0; i < 200; i++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var registration = scope.ServiceProvider.GetRequiredService<IEnumerable<ModuleDbContextRegistration>>().Single(r => r.Schema == "members");
            var members = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(registration.ServiceType);
            if (!await members.OutboxMessages.AnyAsync(m => m.Status != OutboxMessageStatus.Delivered))
            {
                return;
            }

            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        Assert.Fail("The outbox did not deliver the members' events.");
    }

    private static ILocator Profile(IPage page) => page.Locator("dl");

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record AuditView(string Action, string Actor, string EntityId);
}
