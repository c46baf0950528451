using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;

namespace Loyalty.Shared.Auditing;

/// <summary>Adds audit entries to a module's DbContext; they commit with the caller's <c>SaveChanges</c>.</summary>
public sealed class AuditTrail(CurrentActor actor, TimeProvider clock)
{
    /// <summary>
    /// The entity type of entries recording that someone read a member's personal data (GDPR accountability); their
    /// entity id is the member id, a pseudonym, and their details never hold the data itself.
    /// </summary>
    public const string PersonalDataAccess = "personal-data";

    /// <summary>Records that the current actor read <paramref name="memberId"/>'s personal data through <paramref name="action"/>.</summary>
    public void RecordPersonalDataAccess(ModuleDbContext db, string action, Guid memberId, object? details = null) =>
        Record(db, action, PersonalDataAccess, memberId.ToString(), details);

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
