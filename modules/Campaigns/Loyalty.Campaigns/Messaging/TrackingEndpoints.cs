using Loyalty.Campaigns.Persistence;
using Loyalty.Consent.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Campaigns.Messaging;

/// <summary>
/// The links in sent messages, reached by members without signing in: the signed token is the authorization. The
/// unsubscribe link works with one POST (RFC 8058, what mail clients send for List-Unsubscribe-Post); a GET shows a
/// page with a button, because link scanners follow GETs.
/// </summary>
internal static class TrackingEndpoints
{
    // The smallest transparent GIF.
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static void MapTrackingEndpoints(this RouteGroupBuilder api)
    {
        var links = api.MapGroup("/m").AllowAnonymous();
        links.MapGet("/unsubscribe/{token}", UnsubscribePage);
        links.MapPost("/unsubscribe/{token}", Unsubscribe).DisableAntiforgery();
        links.MapGet("/open/{token}", Open);
        links.MapGet("/click/{token}", Click);
    }

    private static Results<ContentHttpResult, NotFound> UnsubscribePage(string token, MessageLinks links) =>
        links.Read(token, 'u') is null
            ? TypedResults.NotFound()
            : TypedResults.Content(
                "<!doctype html><html><body><form method=\"post\"><p>Stop receiving these messages?</p><button type=\"submit\">Unsubscribe</button></form></body></html>",
                "text/html; charset=utf-8");

    private static async Task<Results<ContentHttpResult, NotFound>> Unsubscribe(
        string token, MessageLinks links, CampaignsDbContext db, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'u') is not { } link)
        {
            return TypedResults.NotFound();
        }

        var message = await (from m in db.CampaignMessages.AsNoTracking()
                             join c in db.Campaigns.AsNoTracking().IgnoreAutoIncludes() on m.CampaignId equals c.Id
                             where m.Id == link.MessageId
                             select new { m.MemberId, c.Purpose, c.ConsentChannel }).SingleOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        // Resolved here rather than as a parameter: the gate is Consent's, registered by that module.
        await services.GetRequiredService<IConsentGate>().WithdrawAsync(message.MemberId, message.Purpose, message.ConsentChannel, "unsubscribeLink", cancellationToken);
        var now = clock.GetUtcNow();
        await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.UnsubscribedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.UnsubscribedAt, now), cancellationToken);
        return TypedResults.Content("<!doctype html><html><body><p>You are unsubscribed.</p></body></html>", "text/html; charset=utf-8");
    }

    private static async Task<FileContentHttpResult> Open(string token, MessageLinks links, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'o') is { } link)
        {
            var now = clock.GetUtcNow();
            await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.OpenedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.OpenedAt, now), cancellationToken);
        }

        return TypedResults.File(Pixel, "image/gif");
    }

    private static async Task<Results<RedirectHttpResult, NotFound>> Click(string token, MessageLinks links, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'c') is not { Target: { } target } link)
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        // A click shows the message was opened too, also where images are blocked.
        await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.ClickedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ClickedAt, now).SetProperty(m => m.OpenedAt, m => m.OpenedAt ?? now), cancellationToken);
        return TypedResults.Redirect(target);
    }
}
