using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>Member and transaction imports at /admin/imports, in a real browser.</summary>
public sealed class ImportScreenTests
{
    private const string Program = "uiimp";
    private const string StaffPassword = "another long staff password";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task An_integrator_uploads_members_follows_the_import_and_reads_its_bad_rows_without_their_values(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-integrator", StaffPassword);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Imports" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Imports", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("This program has no imports yet.")).ToBeVisibleAsync();

        // Without a file nothing is sent, and the field says why.
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(page.Locator("#import-file-error")).ToContainTextAsync("Choose a file.");

        var file = Csv("club-members.csv", "externalId,email,firstName", "imp-1,imp1@example.com,Ada", "imp-2,not-an-email,Bob", "imp-3,imp3@example.com,Cleo");
        await page.GetByLabel("What the file holds").SelectOptionAsync("members");
        await page.GetByLabel("File (.csv, .ndjson, .jsonl)").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "club-members.csv" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The file was uploaded and its import queued.");

        // The page follows the job until it is done, then stops refreshing.
        await Expect(page.GetByTestId("import-status")).ToHaveTextAsync("Completed", new() { Timeout = 60_000 });
        await Expect(page.Locator("meta[http-equiv=refresh]")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("import-percent")).ToHaveTextAsync("100 %");
        await Expect(page.GetByTestId("rows-read")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("rows-succeeded")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("rows-failed")).ToHaveTextAsync("1");
        var error = page.GetByTestId("import-error");
        await Expect(error).ToHaveCountAsync(1);
        await Expect(error).ToContainTextAsync("Line 3");
        await Expect(error).ToContainTextAsync("email");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("not-an-email");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Stop the import" })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-import-detail");

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var members = await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members?limit=100");
        Assert.Equal(2, members.GetProperty("items").GetArrayLength());

        // The same file again imports nothing twice and leads to the same job.
        await page.GetByRole(AriaRole.Link, new() { Name = "Back to the imports" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Imports of Imports UI" }).GetByRole(AriaRole.Row, new() { Name = "club-members.csv" });
        await Expect(row).ToContainTextAsync("Completed");
        await Screenshots.SaveAsync(page, "admin-imports");
        await page.GetByLabel("File (.csv, .ndjson, .jsonl)").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("This file was imported before; nothing was imported twice.");
        await Expect(page.GetByTestId("rows-succeeded")).ToHaveTextAsync("2");
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/members?limit=100")).GetProperty("items").GetArrayLength());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/imports")).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_file_that_cannot_be_read_shows_why_and_support_staff_get_no_import_screen(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await host.SignInAsync(page, "browser-integrator", StaffPassword);
        await page.GotoAsync(new Uri(host.Address, $"/admin/imports?program={Program}").ToString());

        await page.GetByLabel("File (.csv, .ndjson, .jsonl)").SetInputFilesAsync(Csv("members.txt", "externalId", "imp-1"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(page.Locator("#import-format-error")).ToContainTextAsync("Use csv or ndjson");

        await page.GetByLabel("File (.csv, .ndjson, .jsonl)").SetInputFilesAsync(Csv("shoes.csv", "externalId,shoeSize", "imp-1,44"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();
        await Expect(page.GetByTestId("import-status")).ToHaveTextAsync("Failed", new() { Timeout = 60_000 });
        await Expect(page.Locator("main")).ToContainTextAsync("Unknown column 'shoeSize'");
        await Expect(page.Locator("main")).ToContainTextAsync("Upload the same file again to resume");

        var support = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(support, "browser-support", StaffPassword);
        await Expect(support.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Imports" })).ToHaveCountAsync(0);
        var response = await support.GotoAsync(new Uri(host.Address, $"/admin/imports?program={Program}").ToString());
        Assert.Equal(403, response!.Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Stopping_a_running_import_asks_first_and_keeps_what_was_imported(DatabaseProvider provider)
    {
        // Small batches make the import take long enough to be stopped while it runs.
        await using var host = await BrowserHost.StartAsync(provider, new Dictionary<string, string?> { ["Modules:Members:Imports:BatchSize"] = "2" });
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB" })).NewPageAsync();
        await host.SignInAsync(page, "browser-integrator", StaffPassword);
        await page.GotoAsync(new Uri(host.Address, $"/admin/imports?program={Program}").ToString());
        const int rows = 20_000;
        await page.GetByLabel("File (.csv, .ndjson, .jsonl)").SetInputFilesAsync(Csv("big.csv", ["externalId", .. Enumerable.Range(1, rows).Select(i => $"big-{i}")]));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and import" }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Stop the import" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Stop this import after its current batch?");
        await Expect(page.Locator("meta[http-equiv=refresh]")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "admin-import-stop-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, stop it" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("The import was stopped.");
        await Expect(page.GetByTestId("import-status")).ToHaveTextAsync("Stopped");
        await Expect(page.Locator("main")).ToContainTextAsync("Upload the same file again to resume");

        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        var job = (await admin.GetFromJsonAsync<JsonElement>($"/api/members/programs/{Program}/imports")).GetProperty("items")[0];
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.InRange(job.GetProperty("rowsSucceeded").GetInt64(), 0, rows - 1);
    }

    private static FilePayload Csv(string name, params string[] lines) =>
        new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n") };

    /// <summary>A program, an integrator and a support user.</summary>
    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Imports UI", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        foreach (var (name, role) in new[] { ("browser-integrator", Roles.Integrator), ("browser-support", Roles.Support) })
        {
            (await admin.PostAsJsonAsync("/api/admin/users", new { userName = name, password = StaffPassword, roles = new[] { role } })).EnsureSuccessStatusCode();
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
