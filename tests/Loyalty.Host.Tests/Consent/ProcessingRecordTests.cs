using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

public sealed class ProcessingRecordTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_record_of_processing_activities_lists_every_module_holding_personal_data_the_consent_purposes_and_the_recipients_as_json_and_html(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, dpo) = await ConsentTests.SetUpAsync(host);

        var record = (await dpo.GetFromJsonAsync<RecordView>("/api/consent/processing-record"))!;
        Assert.Equal(["campaigns", "connectors", "consent", "feedback", "members"], record.Activities.Select(a => a.Module));
        Assert.All(record.Activities, a => Assert.True(a.Categories.Count > 0 && a.Purposes.Count > 0 && a.Retention.Length > 0, a.Module));
        Assert.Contains(record.Activities.Single(a => a.Module == "members").Categories, c => c.StartsWith("contact details", StringComparison.Ordinal));
        Assert.Equal([("email-marketing", 1), ("sms-marketing", 0)], record.ConsentPurposes.Select(p => (p.Key, p.LatestVersion)));
        Assert.Empty(record.Recipients);
        Assert.Contains("No connected system receives personal data.", await dpo.GetStringAsync("/api/consent/processing-record/html"), StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("loyalty-record-").FullName;
        foreach (var name in new[] { "shop-crm", "call-centre" })
        {
            (await api.Admin.PostAsJsonAsync("/api/connectors/connections", new { name, connectorId = "csv-folder", settings = new { folder, externalIdColumns = "LoyaltyId" } })).EnsureSuccessStatusCode();
        }

        record = (await dpo.GetFromJsonAsync<RecordView>("/api/consent/processing-record"))!;
        Assert.Equal(["CRM connection call-centre (csv-folder)", "CRM connection shop-crm (csv-folder)"], record.Recipients);

        var html = await dpo.GetAsync("/api/consent/processing-record/html");
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("<td>feedback</td>", page, StringComparison.Ordinal);
        Assert.Contains("Newsletter by email", page, StringComparison.Ordinal);
        Assert.Contains("<li>CRM connection shop-crm (csv-folder)</li>", page, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.Pos.GetAsync("/api/consent/processing-record")).StatusCode);
    }

    private sealed record ActivityView(string Module, List<string> Categories, List<string> Purposes, string Retention);

    private sealed record PurposeView(string Key, int LatestVersion);

    private sealed record RecordView(List<ActivityView> Activities, List<PurposeView> ConsentPurposes, List<string> Recipients);
}
