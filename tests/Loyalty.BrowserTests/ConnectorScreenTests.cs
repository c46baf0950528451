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

/// <summary>The connector screens at /admin/connectors in a real browser, against the real Salesforce plugin and the local fake Salesforce.</summary>
public sealed class ConnectorScreenTests
{
    private const string Program = "con-screens";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_admin_connects_salesforce_maps_its_fields_runs_it_and_retries_a_refused_record(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await using var crm = await FakeSalesforce.StartAsync(new FakeSalesforceOptions { TimeProvider = host.Clock });
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Connector Screens", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        crm.Seed(new JsonObject { ["FirstName"] = "Ada", ["LastName"] = "Lovelace", ["Email"] = "ada@example.com" });
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await SignInAsync(page, host);

        // The plugins with their versions.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Connectors" }).ClickAsync();
        var plugins = page.GetByRole(AriaRole.Table, new() { Name = "Connector plugins" });
        await Expect(plugins).ToContainTextAsync("Salesforce");
        await Expect(plugins).ToContainTextAsync("1.0.0");
        await Expect(plugins).ToContainTextAsync("Loaded");
        await Screenshots.SaveAsync(page, "admin-connector-list", fullPage: true);

        // A new connection: the connector's settings; the secret is write-only.
        await page.GetByRole(AriaRole.Link, new() { Name = "New connection" }).ClickAsync();
        await page.GetByLabel("Connector").SelectOptionAsync("salesforce");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("sales force");
        await page.GetByLabel("loginUrl").FillAsync(crm.LoginUrl);
        await page.GetByLabel("clientId").FillAsync("fake-client-id");
        await page.GetByLabel("clientSecret").FillAsync("fake-client-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save connection" }).ClickAsync();
        await Expect(page.Locator("#name-error")).ToHaveTextAsync("Give a name of 1-100 letters, digits, '-' or '_'.");
        await Expect(page.GetByLabel("loginUrl")).ToHaveValueAsync(crm.LoginUrl);
        await Expect(page.GetByLabel("clientSecret")).ToHaveValueAsync(string.Empty);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("salesforce-emea");
        await page.GetByLabel("clientSecret").FillAsync("fake-client-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save connection" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The connection was created.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "salesforce-emea" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("secrets-set")).ToHaveTextAsync("clientSecret");
        Assert.DoesNotContain("fake-client-secret", await page.ContentAsync(), StringComparison.Ordinal);

        // Editing keeps the stored secret when its field is left empty.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit settings" }).ClickAsync();
        await Expect(page.GetByLabel("clientSecret")).ToHaveValueAsync(string.Empty);
        await Expect(page.GetByText("A value is stored (not shown); leave empty to keep it.")).ToBeVisibleAsync();
        Assert.DoesNotContain("fake-client-secret", await page.ContentAsync(), StringComparison.Ordinal);
        await Screenshots.SaveAsync(page, "admin-connector-edit", fullPage: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save connection" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The changes were saved.");
        await Expect(page.GetByTestId("secrets-set")).ToHaveTextAsync("clientSecret");

        // Mappings: a CRM field the object lacks is refused at the field, with the input kept.
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit mappings" }).ClickAsync();
        await Expect(page.GetByLabel("CRM object")).ToHaveValueAsync("Contact");
        await page.GetByLabel("External id field").FillAsync("Loyalty_Id__c");
        await Row(page, 1, "Direction").SelectOptionAsync("inbound");
        await Row(page, 1, "Loyalty field").FillAsync("email");
        await Row(page, 1, "CRM field").FillAsync("Email");
        await Row(page, 1, "Transforms (JSON)").FillAsync("""[{"kind":"trim"},{"kind":"lower"}]""");
        await Row(page, 2, "Loyalty field").FillAsync("firstName");
        await Row(page, 2, "CRM field").FillAsync("FirstName");
        await Row(page, 3, "Direction").SelectOptionAsync("outbound");
        await Row(page, 3, "Loyalty field").FillAsync("lastName");
        await Row(page, 3, "CRM field").FillAsync("Nope__c");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save mappings" }).ClickAsync();
        await Expect(page.Locator("#m2-crmField-error")).ToHaveTextAsync("Contact has no field 'Nope__c'.");
        await Expect(Row(page, 3, "CRM field")).ToHaveAttributeAsync("aria-describedby", "m2-crmField-error");
        await Expect(Row(page, 3, "CRM field")).ToHaveValueAsync("Nope__c");
        await Expect(Row(page, 1, "Transforms (JSON)")).ToHaveValueAsync("""[{"kind":"trim"},{"kind":"lower"}]""");
        await Screenshots.SaveAsync(page, "admin-connector-mapping-refused", fullPage: true);
        await Row(page, 3, "CRM field").FillAsync("LastName");
        await Row(page, 4, "Direction").SelectOptionAsync("outbound");
        await Row(page, 4, "Loyalty field").FillAsync("email");
        await Row(page, 4, "CRM field").FillAsync("Email");
        await Row(page, 5, "Loyalty field").FillAsync("lastName");
        await Row(page, 5, "CRM field").FillAsync("LastName");
        await page.GetByLabel("Calls per hour (empty: no limit)").FillAsync("5000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save mappings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The changes were saved.");
        await Expect(page.GetByText("Contact with program con-screens: 5 mappings")).ToBeVisibleAsync();
        var connections = await admin.GetFromJsonAsync<JsonElement>("/api/connectors/connections");
        var connectionId = connections.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "salesforce-emea").GetProperty("id").GetGuid();
        Assert.Equal(5000, (await admin.GetFromJsonAsync<JsonElement>($"/api/connectors/connections/{connectionId}/sync")).GetProperty("callsPerHour").GetInt32());

        // A member enrolled in the shop is queued for Salesforce, which refuses to write it.
        var enrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { email = "grace@example.com", firstName = "Grace", lastName = "Hopper", externalId = "shop-1", channel = "web" });
        enrolled.EnsureSuccessStatusCode();
        var grace = (await enrolled.Content.ReadFromJsonAsync<Created>())!.Id;
        crm.RefuseWrites(grace.ToString());
        var alanEnrolled = await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new { email = "alan@example.com", firstName = "Alan", lastName = "Turing", externalId = "shop-2", channel = "web" });
        alanEnrolled.EnsureSuccessStatusCode();
        var alan = (await alanEnrolled.Content.ReadFromJsonAsync<Created>())!.Id;
        crm.RefuseWrites(alan.ToString());
        await DeliverMembersEventsAsync(host);
        host.Clock.Advance(TimeSpan.FromMinutes(1));

        // Run now asks first; the history shows the run with its counts.
        await page.GetByRole(AriaRole.Link, new() { Name = "Run now…" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Run “salesforce-emea” now?" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-connector-run-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the run" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("The run was queued and started.");
        var runs = page.GetByRole(AriaRole.Table, new() { Name = "Run history" });
        await Expect(runs.GetByTestId("run-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Expect(runs.GetByTestId("run-inbound")).ToContainTextAsync("read 1, created 1,");
        await Expect(runs.GetByTestId("run-outbound")).ToContainTextAsync("failed 2");
        var letters = page.GetByRole(AriaRole.Table, new() { Name = "Dead letters" });
        await Expect(letters.GetByTestId("dead-letter")).ToHaveCountAsync(2);

        // Alan's record is given up: discarding asks first, and the letter leaves the open ones.
        await letters.GetByTestId("dead-letter").Filter(new() { HasText = alan.ToString() }).GetByRole(AriaRole.Link, new() { Name = "Discard…" }).ClickAsync();
        await Expect(page.GetByText("Discard this record?")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard it" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("The record was discarded.");
        await Expect(letters.GetByTestId("dead-letter")).ToHaveCountAsync(1);
        await Expect(letters).Not.ToContainTextAsync(alan.ToString());
        await Expect(letters).ToContainTextAsync(grace.ToString());
        await Expect(letters).ToContainTextAsync("FIELD_CUSTOM_VALIDATION_EXCEPTION");
        await Screenshots.SaveAsync(page, "admin-connector-detail", fullPage: true);

        // Salesforce accepts it again: the retry asks first and then writes the member once.
        crm.AcceptWrites(grace.ToString());
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await letters.GetByRole(AriaRole.Link, new() { Name = "Retry…" }).ClickAsync();
        await Expect(page.GetByText("Retry this record in a run now?")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "admin-connector-retry-confirm", fullPage: true);
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry now" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("The record was queued for a retry");
        await Expect(runs.GetByTestId("run-status")).ToHaveTextAsync(["Completed", "Completed"], new() { Timeout = 30_000 });
        await Expect(page.GetByText("No open dead letters.")).ToBeVisibleAsync();
        await Expect(runs.GetByTestId("run-outbound").First).Not.ToContainTextAsync("sent 0,");
        Assert.Equal("Hopper", Assert.Single(crm.FindBy("Loyalty_Id__c", grace.ToString()))["LastName"]);
        await Screenshots.SaveAsync(page, "admin-connector-runs", fullPage: true);
    }

    private static ILocator Row(IPage page, int row, string field) => page.GetByLabel($"Mapping {row}: {field}", new() { Exact = true });

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

    private static Task SignInAsync(IPage page, BrowserHost host) =>
        host.SignInAsync(page, BrowserHost.AdminUserName, BrowserHost.AdminPassword);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private sealed record Created(Guid Id);
}
