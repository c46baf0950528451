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

    private static async Task<Results<ContentHttpResult, NotFound, StatusCodeHttpResult>> UnsubscribePage(
        string token, MessageLinks links, CampaignsDbContext db, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'u') is not { } link)
        {
            return TypedResults.NotFound();
        }

        return await RevokedAsync(db, link.MessageId, cancellationToken)
            ? TypedResults.StatusCode(StatusCodes.Status410Gone)
            : TypedResults.Content(
                "<!doctype html><html><body><form method=\"post\"><p>Stop receiving these messages?</p><button type=\"submit\">Unsubscribe</button></form></body></html>",
                "text/html; charset=utf-8");
    }

    private static async Task<Results<ContentHttpResult, NotFound, StatusCodeHttpResult>> Unsubscribe(
        string token, MessageLinks links, CampaignsDbContext db, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'u') is not { } link)
        {
            return TypedResults.NotFound();
        }

        var message = await (from m in db.CampaignMessages.AsNoTracking()
                             join c in db.Campaigns.AsNoTracking().IgnoreAutoIncludes() on m.CampaignId equals c.Id
                             where m.Id == link.MessageId
                             select new { m.MemberId, m.LinksRevokedAt, c.Purpose, c.ConsentChannel }).SingleOrDefaultAsync(cancellationToken);
        if (message is null)
        {
            return TypedResults.NotFound();
        }

        if (message.LinksRevokedAt is not null)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        // Resolved here rather than as a parameter: the gate is Consent's, registered by that module.
        await services.GetRequiredService<IConsentGate>().WithdrawAsync(message.MemberId, message.Purpose, message.ConsentChannel, "unsubscribeLink", cancellationToken);
        var now = clock.GetUtcNow();
        await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.UnsubscribedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.UnsubscribedAt, now), cancellationToken);
        return TypedResults.Content("<!doctype html><html><body><p>You are unsubscribed.</p></body></html>", "text/html; charset=utf-8");
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult>> Open(string token, MessageLinks links, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'o') is { } link)
        {
            if (await RevokedAsync(db, link.MessageId, cancellationToken))
            {
                return TypedResults.StatusCode(StatusCodes.Status410Gone);
            }

            var now = clock.GetUtcNow();
            await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.OpenedAt == null && m.LinksRevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.OpenedAt, now), cancellationToken);
        }

        return TypedResults.File(Pixel, "image/gif");
    }

    private static async Task<Results<RedirectHttpResult, NotFound, StatusCodeHttpResult>> Click(string token, MessageLinks links, CampaignsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (links.Read(token, 'c') is not { Target: { } target } link)
        {
            return TypedResults.NotFound();
        }

        if (await RevokedAsync(db, link.MessageId, cancellationToken))
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        var now = clock.GetUtcNow();
        // A click shows the message was opened too, also where images are blocked.
        await db.CampaignMessages.Where(m => m.Id == link.MessageId && m.ClickedAt == null && m.LinksRevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ClickedAt, now).SetProperty(m => m.OpenedAt, m => m.OpenedAt ?? now), cancellationToken);
        return TypedResults.Redirect(target);
    }

    /// <summary>True when the message's member was erased: their links no longer work (and record nothing).</summary>
    private static Task<bool> RevokedAsync(CampaignsDbContext db, Guid messageId, CancellationToken cancellationToken) =>
        db.CampaignMessages.AnyAsync(m => m.Id == messageId && m.LinksRevokedAt != null, cancellationToken);
}
