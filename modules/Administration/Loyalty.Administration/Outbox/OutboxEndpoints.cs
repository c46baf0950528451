using Loyalty.Administration.Persistence;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Administration.Outbox;

internal sealed record OutboxMessageDto(Guid Id, string Module, string EventType, DateTimeOffset OccurredAt, string Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError);

/// <summary>Integration events that could not be delivered: admins see why, fix the cause and send them again.</summary>
internal static class OutboxEndpoints
{
    public static void MapOutboxEndpoints(this RouteGroupBuilder api)
    {
        var outbox = api.MapGroup("/outbox").RequireAuthorization(Policies.Administer);
        outbox.MapGet("/dead-letters", ListDeadLetters);
        outbox.MapPost("/{module}/{id:guid}/retry", Retry);
    }

    private static async Task<Ok<List<OutboxMessageDto>>> ListDeadLetters(
        IServiceProvider services, IEnumerable<ModuleDbContextRegistration> modules, CancellationToken cancellationToken)
    {
        var result = new List<OutboxMessageDto>();
        foreach (var registration in modules)
        {
            var db = (ModuleDbContext)services.GetRequiredService(registration.ServiceType);
            var dead = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.Status == OutboxMessageStatus.DeadLettered)
                .OrderBy(m => m.OccurredAt)
                .ToListAsync(cancellationToken);
            result.AddRange(dead.Select(m => new OutboxMessageDto(
                m.Id, registration.Schema, m.EventType, m.OccurredAt, m.Status.ToString(), m.Attempts, m.NextAttemptAt, m.LastError)));
        }

        return TypedResults.Ok(result);
    }

    /// <summary>Puts a dead-lettered message back in line with a fresh set of attempts.</summary>
    private static async Task<Results<NoContent, NotFound>> Retry(
        string module,
        Guid id,
        IServiceProvider services,
        IEnumerable<ModuleDbContextRegistration> modules,
        AdministrationDbContext adminDb,
        AuditTrail audit,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var registration = modules.FirstOrDefault(m => m.Schema == module);
        if (registration is null)
        {
            return TypedResults.NotFound();
        }

        var db = (ModuleDbContext)services.GetRequiredService(registration.ServiceType);
        var now = clock.GetUtcNow();
        var updated = await db.OutboxMessages
            .Where(m => m.Id == id && m.Status == OutboxMessageStatus.DeadLettered)
            .ExecuteUpdateAsync(
                set => set.SetProperty(m => m.Status, OutboxMessageStatus.Pending)
                    .SetProperty(m => m.Attempts, 0)
                    .SetProperty(m => m.NextAttemptAt, now),
                cancellationToken);
        if (updated == 0)
        {
            return TypedResults.NotFound();
        }

        audit.Record(adminDb, "admin.outbox.retried", "outbox-message", $"{module}/{id}");
        await adminDb.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
