using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;

namespace Loyalty.Shared.Auditing;

/// <summary>Adds audit entries to a module's DbContext; they commit with the caller's <c>SaveChanges</c>.</summary>
public sealed class AuditTrail(CurrentActor actor, TimeProvider clock)
{
    public void Record(ModuleDbContext db, string action, string entityType, string entityId, object? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            OccurredAt = clock.GetUtcNow(),
            Actor = actor.Name,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Details = details is null ? null : JsonSerializer.Serialize(details, JsonSerializerOptions.Web),
        });
}
