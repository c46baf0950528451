using Loyalty.Shared.Auditing;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Administration.Audit;

internal sealed record AuditEntryDto(Guid Id, string Module, DateTimeOffset OccurredAt, string Actor, string Action, string EntityType, string EntityId, string? Details);

/// <summary>
/// The audit trail of all modules, newest first. Each module keeps its entries in its own schema;
/// this reads them through the shared <see cref="ModuleDbContext"/> base, never a module's own types.
/// </summary>
internal static class AuditEndpoints
{
    private const int MaxPageSize = 200;

    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ReadAudit).RequireAuthorization(Policies.Administer);
        api.MapGet("/personal-data-access", ReadPersonalDataAccess).RequireAuthorization(Policies.ProtectData);
    }

    /// <param name="before">Only entries older than this (the <c>occurredAt</c> of the last entry of the previous page).</param>
    private static async Task<Results<Ok<List<AuditEntryDto>>, ValidationProblem>> ReadAudit(
        IServiceProvider services,
        IEnumerable<ModuleDbContextRegistration> modules,
        string? module,
        DateTimeOffset? before,
        int? limit,
        CancellationToken cancellationToken) =>
        await ReadAsync(services, modules, module, before, limit, query => query, cancellationToken);

    /// <summary>
    /// For the data protection officer: who read which member's personal data, when and how, newest first. Entries
    /// name the member by id only; <paramref name="member"/> and <paramref name="actor"/> narrow them down.
    /// </summary>
    private static async Task<Results<Ok<List<AuditEntryDto>>, ValidationProblem>> ReadPersonalDataAccess(
        IServiceProvider services,
        IEnumerable<ModuleDbContextRegistration> modules,
        Guid? member,
        string? actor,
        DateTimeOffset? before,
        int? limit,
        CancellationToken cancellationToken)
    {
        var entityId = member?.ToString();
        return await ReadAsync(services, modules, module: null, before, limit, query => query
            .Where(a => a.EntityType == AuditTrail.PersonalDataAccess && (entityId == null || a.EntityId == entityId) && (actor == null || a.Actor == actor)),
            cancellationToken);
    }

    private static async Task<Results<Ok<List<AuditEntryDto>>, ValidationProblem>> ReadAsync(
        IServiceProvider services,
        IEnumerable<ModuleDbContextRegistration> modules,
        string? module,
        DateTimeOffset? before,
        int? limit,
        Func<IQueryable<AuditEntry>, IQueryable<AuditEntry>> filter,
        CancellationToken cancellationToken)
    {
        var size = limit ?? 50;
        var known = modules.ToList();
        if (size is < 1 or > MaxPageSize || (module is not null && known.All(m => m.Schema != module)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [size is < 1 or > MaxPageSize ? "limit" : "module"] = [size is < 1 or > MaxPageSize
                    ? $"Give a limit between 1 and {MaxPageSize}."
                    : $"Give one of: {string.Join(", ", known.Select(m => m.Schema))}."],
            });
        }

        var entries = new List<AuditEntryDto>();
        foreach (var registration in known.Where(m => module is null || m.Schema == module))
        {
            var db = (ModuleDbContext)services.GetRequiredService(registration.ServiceType);
            var query = filter(db.AuditEntries.AsNoTracking());
            if (before is not null)
            {
                query = query.Where(a => a.OccurredAt < before);
            }

            var page = await query.OrderByDescending(a => a.OccurredAt).Take(size).ToListAsync(cancellationToken);
            entries.AddRange(page.Select(a => new AuditEntryDto(a.Id, registration.Schema, a.OccurredAt, a.Actor, a.Action, a.EntityType, a.EntityId, a.Details)));
        }

        return TypedResults.Ok(entries.OrderByDescending(e => e.OccurredAt).Take(size).ToList());
    }
}
