using System.Globalization;
using System.Net;
using System.Text;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.Retention;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Records;

/// <param name="Retention">The module's own statement of how long it keeps its data.</param>
/// <param name="RetentionPolicies">The module's retention categories with the periods in force (<c>GET /api/consent/retention-policies</c>).</param>
internal sealed record ProcessingActivityDto(
    string Module, IReadOnlyList<string> Categories, IReadOnlyList<string> Purposes, string Retention, IReadOnlyList<RetentionPolicyDto> RetentionPolicies);

internal sealed record ConsentPurposeDto(Guid ProgramId, string Key, string Name, string Description, int LatestVersion);

/// <param name="Activities">One per module that registered a personal-data provider: what it holds, why, for how long.</param>
/// <param name="ConsentPurposes">The purposes members are asked consent for, per program.</param>
/// <param name="Recipients">Who personal data is disclosed to and who is told of erasures: each connected CRM by its connection's name.</param>
internal sealed record ProcessingRecordDto(
    DateTimeOffset GeneratedAt, IReadOnlyList<ProcessingActivityDto> Activities, IReadOnlyList<ConsentPurposeDto> ConsentPurposes, IReadOnlyList<string> Recipients);

/// <summary>
/// The record of processing activities (GDPR Art. 30), generated on each request from what the running modules
/// register, so it cannot drift from what the code does: a module that stores personal data appears because it must
/// register a provider for export and erasure.
/// </summary>
internal static class ProcessingRecord
{
    public static void MapProcessingRecordEndpoints(this RouteGroupBuilder api)
    {
        var record = api.MapGroup("/processing-record").RequireAuthorization(Policies.ProtectData);
        record.MapGet("/", Json);
        record.MapGet("/html", Html);
    }

    private static async Task<Ok<ProcessingRecordDto>> Json(
        IEnumerable<IPersonalDataProvider> providers, IEnumerable<IErasureRecipient> recipients, RetentionPolicies policies, ConsentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await BuildAsync(providers, recipients, policies, db, clock, cancellationToken));

    private static async Task<ContentHttpResult> Html(
        IEnumerable<IPersonalDataProvider> providers, IEnumerable<IErasureRecipient> recipients, RetentionPolicies policies, ConsentDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Text(Render(await BuildAsync(providers, recipients, policies, db, clock, cancellationToken)), "text/html; charset=utf-8", Encoding.UTF8);

    private static async Task<ProcessingRecordDto> BuildAsync(
        IEnumerable<IPersonalDataProvider> providers, IEnumerable<IErasureRecipient> recipients, RetentionPolicies policies, ConsentDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var purposes = await db.Purposes.AsNoTracking().OrderBy(p => p.ProgramId).ThenBy(p => p.Key)
            .Select(p => new ConsentPurposeDto(p.ProgramId, p.Key, p.Name, p.Description, p.LatestVersion)).ToListAsync(cancellationToken);
        var systems = new List<string>();
        foreach (var recipient in recipients)
        {
            systems.AddRange(await recipient.SystemsAsync(cancellationToken));
        }

        var retention = await policies.ListAsync(cancellationToken);
        return new ProcessingRecordDto(
            clock.GetUtcNow(),
            [.. providers.OrderBy(p => p.Module, StringComparer.Ordinal)
                .Select(p => new ProcessingActivityDto(p.Module, p.Description.Categories, p.Description.Purposes, p.Description.Retention,
                    [.. retention.Where(r => r.Module == p.Module)]))],
            purposes,
            [.. systems.Order(StringComparer.Ordinal)]);
    }

    private static string Render(ProcessingRecordDto record)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Record of processing activities</title></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Record of processing activities (GDPR Art. 30)</h1><p>Generated {record.GeneratedAt:yyyy-MM-dd HH:mm} UTC.</p>");
        html.Append("<h2>Processing per module</h2><table><thead><tr><th>Module</th><th>Categories of personal data</th><th>Purposes</th><th>Retention</th></tr></thead><tbody>");
        foreach (var activity in record.Activities)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(activity.Module)}</td><td>{string.Join("; ", activity.Categories.Select(E))}</td><td>{string.Join("; ", activity.Purposes.Select(E))}</td><td>{E(activity.Retention)}{string.Concat(activity.RetentionPolicies.Select(r => $"<br>{E(r.Name)}: {r.PeriodDays} days{(r.Enabled ? "" : ", not enforced")} ({E(r.Description)})"))}</td></tr>");
        }

        html.Append("</tbody></table><h2>Purposes members consent to</h2><ul>");
        foreach (var purpose in record.ConsentPurposes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><strong>{E(purpose.Name)}</strong> (<code>{E(purpose.Key)}</code>, program {purpose.ProgramId}, text version {purpose.LatestVersion}): {E(purpose.Description)}</li>");
        }

        html.Append("</ul><h2>Recipients</h2>");
        html.Append(record.Recipients.Count == 0
            ? "<p>No connected system receives personal data.</p>"
            : $"<ul>{string.Concat(record.Recipients.Select(r => $"<li>{E(r)}</li>"))}</ul>");
        html.Append("</body></html>");
        return html.ToString();
    }
}
