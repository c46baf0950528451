using System.Text.Json;
using Loyalty.Connectors.Connections;
using Loyalty.Connectors.Jobs;
using Loyalty.Connectors.Persistence;
using Loyalty.Connectors.Sdk;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Loyalty.Connectors.Sync;

internal static class SyncEndpoints
{
    public static void MapSyncEndpoints(this RouteGroupBuilder api)
    {
        var connection = api.MapGroup("/connections/{id:guid}").RequireAuthorization(Policies.Administer);
        connection.MapPut("/sync", PutSetup)
            .WithExample("Sync a CSV folder's contacts both ways", new SyncSetupRequest("demo", "contacts", "LoyaltyId",
            [
                new(SyncDirections.Inbound, "email", "Email", [new("trim"), new("lower")], ConflictPolicies.CrmWinsUnlessBlank),
                new(SyncDirections.Inbound, "firstName", "FirstName", [new("trim")], ConflictPolicies.MostRecentWins),
                new(SyncDirections.Inbound, "birthDate", "Birthday", [new("date", Format: "dd.MM.yyyy")]),
                new(SyncDirections.Outbound, "email", "Email"),
                new(SyncDirections.Outbound, "pointsBalance", "Points__c"),
                new(SyncDirections.Outbound, "tier", "Tier__c", [new("lookup", Table: new Dictionary<string, string> { ["gold"] = "Gold", ["silver"] = "Silver" })]),
                new(SyncDirections.Outbound, "enrolledAt", "LoyaltyEnrolledAt__c"),
                new(SyncDirections.Outbound, "consent.email-marketing", "EmailOptIn__c"),
            ], IntervalMinutes: 15, LookBackSeconds: 300, PageSize: 200, Erasure: SyncSetupRequest.Delete));
        connection.MapGet("/sync", GetSetup);
        connection.MapPost("/runs", StartRun).WithIdempotencyKey<ConnectorsDbContext>();
        connection.MapGet("/runs", ListRuns);
        connection.MapGet("/runs/{runId:guid}", GetRun);
        connection.MapGet("/runs/{runId:guid}/conflicts", ListConflicts);
        connection.MapGet("/dead-letters", ListDeadLetters);
        connection.MapPost("/dead-letters/{letterId:guid}/retry", RetryDeadLetter);
        connection.MapPost("/dead-letters/{letterId:guid}/discard", DiscardDeadLetter);
    }

    /// <summary>Sets the connection's sync; the mappings are checked against the connector's discovered objects. A changed object starts again with a full load.</summary>
    private static async Task<Results<Ok<SyncSetupDto>, NotFound, ProblemHttpResult, ValidationProblem>> PutSetup(
        Guid id, SyncSetupRequest request, ConnectorsDbContext db, ConnectorRuntime runtime, ILoyaltyPrograms programs, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var connection = await db.Connections.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null)
        {
            return TypedResults.NotFound();
        }

        var program = await programs.FindAsync(request.Program!, cancellationToken);
        IReadOnlyList<ObjectDescriptor> objects;
        try
        {
            await using var connector = runtime.Create(connection);
            if (connector is null)
            {
                return TypedResults.Problem($"The connector plugin '{connection.ConnectorId}' is not loaded.", statusCode: StatusCodes.Status409Conflict, type: "urn:loyalty:connectors:plugin-not-loaded");
            }

            objects = await connector.DiscoverAsync(cancellationToken);
        }
        catch (ConnectorException e)
        {
            return TypedResults.Problem(e.Message, title: $"The connector failed ({e.Kind}).", statusCode: StatusCodes.Status502BadGateway, type: "urn:loyalty:connectors:connector-failed");
        }

        errors = request.ValidateAgainst(objects).Check(program is not null, "program", "No loyalty program has this code.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var setup = await db.SyncSetups.SingleOrDefaultAsync(s => s.ConnectionId == id, cancellationToken);
        if (setup is null)
        {
            setup = new SyncSetup { ConnectionId = id, ProgramCode = request.Program!, ObjectName = request.Object!, ExternalIdField = request.ExternalIdField!, RecordIdField = SyncSetupRequest.DefaultRecordIdField, Mappings = "[]", ErasureMode = SyncSetupRequest.Delete };
            db.SyncSetups.Add(setup);
        }
        else if (setup.ObjectName != request.Object || setup.ProgramCode != request.Program)
        {
            setup.Cursor = null;
        }

        (setup.ProgramCode, setup.ProgramId, setup.ObjectName, setup.ExternalIdField) = (request.Program!, program!.Id, request.Object!, request.ExternalIdField!);
        setup.Mappings = JsonSerializer.Serialize(request.Mappings, JsonSerializerOptions.Web);
        (setup.IntervalMinutes, setup.LookBackSeconds, setup.PageSize) = (request.IntervalMinutes ?? 15, request.LookBackSeconds ?? 300, request.PageSize ?? 200);
        setup.CallsPerHour = request.CallsPerHour;
        (setup.ErasureMode, setup.RecordIdField, setup.UpdatedAt) = (request.Erasure ?? SyncSetupRequest.Delete, request.RecordIdField ?? SyncSetupRequest.DefaultRecordIdField, now);
        setup.NextRunAt ??= now.AddMinutes(setup.IntervalMinutes);
        audit.Record(db, "connectors.sync.configured", "connection", id.ToString(), new { request.Program, request.Object, mappings = request.Mappings!.Count });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(SyncSetupDto.From(setup));
    }

    private static async Task<Results<Ok<SyncSetupDto>, NotFound>> GetSetup(Guid id, ConnectorsDbContext db, CancellationToken cancellationToken) =>
        await db.SyncSetups.AsNoTracking().SingleOrDefaultAsync(s => s.ConnectionId == id, cancellationToken) is { } setup
            ? TypedResults.Ok(SyncSetupDto.From(setup))
            : TypedResults.NotFound();

    /// <summary>Queues a run and starts the sync job at once; while one is queued or running (from any node or trigger), answers 409 naming it.</summary>
    private static async Task<Results<Accepted<SyncRunDto>, NotFound, ProblemHttpResult>> StartRun(
        Guid id, ConnectorsDbContext db, ISchedulerFactory schedulers, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!await db.SyncSetups.AnyAsync(s => s.ConnectionId == id, cancellationToken))
        {
            return await db.Connections.AnyAsync(c => c.Id == id, cancellationToken)
                ? TypedResults.Problem("Set the connection's sync first (PUT …/sync).", statusCode: StatusCodes.Status409Conflict, type: "urn:loyalty:connectors:sync-not-configured")
                : TypedResults.NotFound();
        }

        if (await ActiveRunAsync(db, id, cancellationToken) is { } active)
        {
            return RunInProgress(id, active);
        }

        var run = SyncRunner.NewRun(id, SyncRunner.Manual, clock.GetUtcNow());
        db.SyncRuns.Add(run);
        audit.Record(db, "connectors.sync.run-requested", "connection", id.ToString(), new { runId = run.Id });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node or the schedule queued one at the same moment; the database keeps one unfinished run per connection.
            db.ChangeTracker.Clear();
            if (await ActiveRunAsync(db, id, cancellationToken) is { } other)
            {
                return RunInProgress(id, other);
            }

            throw;
        }
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(RunSyncsJob.Key, cancellationToken);
        return TypedResults.Accepted($"/api/connectors/connections/{id}/runs/{run.Id}", SyncRunDto.From(run));
    }

    private static Task<SyncRun?> ActiveRunAsync(ConnectorsDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.SyncRuns.AsNoTracking().FirstOrDefaultAsync(r => r.ConnectionId == id && (r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running), cancellationToken);

    private static ProblemHttpResult RunInProgress(Guid id, SyncRun active) => TypedResults.Problem(
        $"Run {active.Id} of this connection is {active.Status.ToString().ToLowerInvariant()}; a connection has one unfinished run at a time.",
        title: "A sync run is already queued or running.", statusCode: StatusCodes.Status409Conflict, type: "urn:loyalty:connectors:run-in-progress",
        extensions: new Dictionary<string, object?> { ["runId"] = active.Id, ["runStatus"] = active.Status.ToString().ToLowerInvariant(), ["run"] = $"/api/connectors/connections/{id}/runs/{active.Id}" });

    private static async Task<Ok<IReadOnlyList<SyncRunDto>>> ListRuns(Guid id, ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        var runs = await db.SyncRuns.AsNoTracking().Where(r => r.ConnectionId == id).OrderByDescending(r => r.QueuedAt).Take(100).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SyncRunDto>>([.. runs.Select(SyncRunDto.From)]);
    }

    private static async Task<Results<Ok<SyncRunDto>, NotFound>> GetRun(Guid id, Guid runId, ConnectorsDbContext db, CancellationToken cancellationToken) =>
        await db.SyncRuns.AsNoTracking().SingleOrDefaultAsync(r => r.ConnectionId == id && r.Id == runId, cancellationToken) is { } run
            ? TypedResults.Ok(SyncRunDto.From(run))
            : TypedResults.NotFound();

    private static async Task<Ok<IReadOnlyList<SyncConflictDto>>> ListConflicts(Guid id, Guid runId, ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        var conflicts = await db.SyncConflicts.AsNoTracking().Where(c => c.ConnectionId == id && c.RunId == runId).OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SyncConflictDto>>(
            [.. conflicts.Select(c => new SyncConflictDto(c.Id, c.MemberId, c.LoyaltyField, c.CrmField, c.LoyaltyValue, c.CrmValue, c.Policy, c.Winner, c.At))]);
    }

    /// <param name="status"><c>open</c> (default), <c>queued</c>, <c>resolved</c> or <c>discarded</c>.</param>
    private static async Task<Results<Ok<IReadOnlyList<DeadLetterDto>>, ValidationProblem>> ListDeadLetters(Guid id, string? status, ConnectorsDbContext db, CancellationToken cancellationToken)
    {
        if (!Enum.TryParse<DeadLetterStatus>(status ?? "open", ignoreCase: true, out var wanted))
        {
            return new ValidationErrors().Check(false, "status", "open, queued, resolved or discarded.").ToProblem();
        }

        var letters = await db.DeadLetters.AsNoTracking().Where(d => d.ConnectionId == id && d.Status == wanted).OrderBy(d => d.CreatedAt).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DeadLetterDto>>([.. letters.Select(d => new DeadLetterDto(
            d.Id, d.RunId, d.Direction, d.RecordKey, d.MemberId, d.ErrorCode, d.ErrorMessage, d.Attempts, d.Status.ToString().ToLowerInvariant(), d.Payload, d.CreatedAt))]);
    }

    /// <summary>Queues the record for the next run (started at once); idempotent: a queued or resolved letter stays as it is.</summary>
    private static async Task<Results<Accepted, NotFound>> RetryDeadLetter(
        Guid id, Guid letterId, ConnectorsDbContext db, ISchedulerFactory schedulers, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var letter = await db.DeadLetters.SingleOrDefaultAsync(d => d.ConnectionId == id && d.Id == letterId, cancellationToken);
        if (letter is null)
        {
            return TypedResults.NotFound();
        }

        if (letter.Status == DeadLetterStatus.Open)
        {
            (letter.Status, letter.UpdatedAt) = (DeadLetterStatus.Queued, clock.GetUtcNow());
            audit.Record(db, "connectors.dead-letter.retry", "dead-letter", letter.Id.ToString(), new { connectionId = id });
            await db.SaveChangesAsync(cancellationToken);
            if (await ActiveRunAsync(db, id, cancellationToken) is null)
            {
                db.SyncRuns.Add(SyncRunner.NewRun(id, SyncRunner.Manual, clock.GetUtcNow()));
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // A run was queued meanwhile (another node, the schedule); it retries the letter.
                    db.ChangeTracker.Clear();
                }
            }

            await (await schedulers.GetScheduler(cancellationToken)).TriggerJob(RunSyncsJob.Key, cancellationToken);
        }

        return TypedResults.Accepted($"/api/connectors/connections/{id}/dead-letters");
    }

    /// <summary>
    /// Gives up on the record: the letter is kept as <c>discarded</c> without the record's data (personal data kept for
    /// no purpose any more). Idempotent: a discarded or resolved letter stays as it is.
    /// </summary>
    private static async Task<Results<NoContent, NotFound>> DiscardDeadLetter(
        Guid id, Guid letterId, ConnectorsDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var letter = await db.DeadLetters.SingleOrDefaultAsync(d => d.ConnectionId == id && d.Id == letterId, cancellationToken);
        if (letter is null)
        {
            return TypedResults.NotFound();
        }

        if (letter.Status is DeadLetterStatus.Open or DeadLetterStatus.Queued)
        {
            (letter.Status, letter.Payload, letter.UpdatedAt) = (DeadLetterStatus.Discarded, DeadLetters.NoPayload, clock.GetUtcNow());
            audit.Record(db, "connectors.dead-letter.discard", "dead-letter", letter.Id.ToString(), new { connectionId = id });
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.NoContent();
    }
}
