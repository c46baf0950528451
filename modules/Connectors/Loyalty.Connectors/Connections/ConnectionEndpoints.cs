using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Plugins;
using Loyalty.Connectors.Sdk;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Connections;

internal static class ConnectionEndpoints
{
    public static void MapConnectionEndpoints(this RouteGroupBuilder api)
    {
        var connections = api.MapGroup("/connections");
        connections.MapPost("/", Create).RequireAuthorization(Policies.Administer).WithIdempotencyKey<ConnectorsDbContext>()
            .WithExample("Connect a CSV folder", new CreateConnectionRequest("crm-export", "csv-folder", new() { ["folder"] = "/srv/crm-export" }));
        connections.MapGet("/", List).RequireAuthorization(Policies.Administer);
        connections.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Administer);
        connections.MapPut("/{id:guid}", Update).RequireAuthorization(Policies.Administer)
            .WithExample("Change a connection's settings; a secret left out keeps its stored value", new UpdateConnectionRequest(new() { ["folder"] = "/srv/crm-export" }));
        connections.MapDelete("/{id:guid}", Delete).RequireAuthorization(Policies.Administer);
        connections.MapPost("/{id:guid}/check", Check).RequireAuthorization(Policies.Administer);
        connections.MapGet("/{id:guid}/objects", Discover).RequireAuthorization(Policies.Administer);
    }

    /// <summary>Idempotent on the name: a repeat for the same connector answers the existing connection.</summary>
    private static async Task<Results<Created<ConnectionDto>, Ok<ConnectionDto>, ProblemHttpResult, ValidationProblem>> Create(
        CreateConnectionRequest request, ConnectorsDbContext db, PluginCatalog catalog, ConnectionSettings settings, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        var plugin = request.ConnectorId is null ? null : catalog.Find(request.ConnectorId);
        errors.Check(request.ConnectorId is null || plugin is not null, "connectorId", "No loaded connector plugin has this id (GET /api/connectors/plugins).");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var existing = await db.Connections.SingleOrDefaultAsync(c => c.Name == request.Name, cancellationToken);
        if (existing is not null)
        {
            return existing.ConnectorId == request.ConnectorId
                ? TypedResults.Ok(Dto(existing, settings))
                : TypedResults.Problem($"A connection named '{request.Name}' already uses connector '{existing.ConnectorId}'.", statusCode: StatusCodes.Status409Conflict, type: "urn:loyalty:connectors:connection-name-taken");
        }

        var now = clock.GetUtcNow();
        var connection = new Connection
        {
            Id = Guid.CreateVersion7(now), Name = request.Name!, ConnectorId = request.ConnectorId!, Settings = "{}", ProtectedSecrets = "",
            CreatedAt = now, UpdatedAt = now,
        };
        errors = settings.Apply(plugin!.Manifest!, request.Settings ?? [], connection);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        db.Connections.Add(connection);
        audit.Record(db, "connectors.connection.created", "connection", connection.Id.ToString(), new { connection.Name, connection.ConnectorId });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/connectors/connections/{connection.Id}", Dto(connection, settings));
    }

    private static async Task<Ok<IReadOnlyList<ConnectionDto>>> List(ConnectorsDbContext db, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var connections = await db.Connections.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ConnectionDto>>([.. connections.Select(c => Dto(c, settings))]);
    }

    private static async Task<Results<Ok<ConnectionDto>, NotFound>> Get(Guid id, ConnectorsDbContext db, ConnectionSettings settings, CancellationToken cancellationToken) =>
        await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is { } connection
            ? TypedResults.Ok(Dto(connection, settings))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ConnectionDto>, NotFound, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, UpdateConnectionRequest request, ConnectorsDbContext db, PluginCatalog catalog, ConnectionSettings settings, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var connection = await db.Connections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return TypedResults.NotFound();
        }

        if (catalog.Find(connection.ConnectorId) is not { } plugin)
        {
            return PluginMissing(connection);
        }

        var errors = settings.Apply(plugin.Manifest!, request.Settings ?? [], connection);
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        connection.UpdatedAt = clock.GetUtcNow();
        audit.Record(db, "connectors.connection.updated", "connection", connection.Id.ToString(), new { changed = request.Settings?.Keys.Order().ToList() });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(Dto(connection, settings));
    }

    private static async Task<Results<NoContent, NotFound>> Delete(Guid id, ConnectorsDbContext db, AuditTrail audit, CancellationToken cancellationToken)
    {
        var connection = await db.Connections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return TypedResults.NotFound();
        }

        db.Connections.Remove(connection);
        audit.Record(db, "connectors.connection.deleted", "connection", connection.Id.ToString(), new { connection.Name });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ConnectionCheckDto>, NotFound, ProblemHttpResult>> Check(
        Guid id, ConnectorsDbContext db, ConnectorRuntime runtime, CancellationToken cancellationToken) =>
        await WithConnector(id, db, runtime, async connector =>
        {
            var check = await connector.CheckConnectionAsync(cancellationToken);
            return new ConnectionCheckDto(check.Succeeded, check.Message);
        }, cancellationToken);

    private static async Task<Results<Ok<IReadOnlyList<ObjectDescriptor>>, NotFound, ProblemHttpResult>> Discover(
        Guid id, ConnectorsDbContext db, ConnectorRuntime runtime, CancellationToken cancellationToken) =>
        await WithConnector(id, db, runtime, connector => connector.DiscoverAsync(cancellationToken), cancellationToken);

    private static async Task<Results<Ok<T>, NotFound, ProblemHttpResult>> WithConnector<T>(
        Guid id, ConnectorsDbContext db, ConnectorRuntime runtime, Func<IConnector, Task<T>> call, CancellationToken cancellationToken)
    {
        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return TypedResults.NotFound();
        }

        try
        {
            await using var connector = runtime.Create(connection);
            if (connector is null)
            {
                return PluginMissing(connection);
            }

            return TypedResults.Ok(await call(connector));
        }
        catch (ConnectorException e)
        {
            return TypedResults.Problem(e.Message, title: $"The connector failed ({e.Kind}).", statusCode: StatusCodes.Status502BadGateway, type: "urn:loyalty:connectors:connector-failed");
        }
    }

    private static ProblemHttpResult PluginMissing(Connection connection) =>
        TypedResults.Problem($"The connector plugin '{connection.ConnectorId}' is not loaded (see GET /api/connectors/plugins).", statusCode: StatusCodes.Status409Conflict, type: "urn:loyalty:connectors:plugin-not-loaded");

    private static ConnectionDto Dto(Connection c, ConnectionSettings settings) =>
        new(c.Id, c.Name, c.ConnectorId, ConnectionSettings.Plain(c), settings.SecretNames(c), c.CreatedAt, c.UpdatedAt);
}
