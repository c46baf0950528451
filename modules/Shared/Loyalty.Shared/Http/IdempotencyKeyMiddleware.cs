using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Shared.Http;

/// <summary>
/// Honours <c>Idempotency-Key</c> on endpoints marked with <c>WithIdempotencyKey</c>. The first request with a key
/// claims it (the primary key decides races) and its answer is stored; a repeat gets that answer again, byte for byte,
/// without running the endpoint. An exception or a 5xx answer releases the key, so the client may retry.
/// A middleware, not an endpoint filter, because it needs the request body as sent and the response as written.
/// </summary>
internal sealed class IdempotencyKeyMiddleware(
    RequestDelegate next,
    IOptions<IdempotencyOptions> options,
    TimeProvider clock,
    ILogger<IdempotencyKeyMiddleware> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";

    /// <summary>Marks requests this middleware has seen, so a marked endpoint can tell when it is missing.</summary>
    public static readonly object Applied = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<IdempotencyKeyMetadata>();
        if (metadata is null)
        {
            await next(context);
            return;
        }

        context.Items[Applied] = true;
        if (!context.Request.Headers.TryGetValue(HeaderName, out var header))
        {
            await next(context);
            return;
        }

        if (header.Count != 1 || !IsValidKey(header[0]))
        {
            await new ValidationErrors()
                .Check(false, HeaderName, "Give 1-255 visible ASCII characters, such as a UUID.")
                .ToProblem()
                .ExecuteAsync(context);
            return;
        }

        var key = header[0]!;
        var caller = context.User.FindFirstValue(CurrentActor.ActorClaim)
            ?? throw new InvalidOperationException($"{context.GetEndpoint()} takes an {HeaderName} but lets anonymous callers in; keys are kept per caller.");
        var requestHash = await HashRequestAsync(context.Request, context.RequestAborted);

        // A DbContext of its own, never the endpoint's: by default the claim commits here before the endpoint runs; with
        // WithFirstSave the endpoint's own save inserts it, and this context only stores the answer afterwards.
        await using var scope = context.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var db = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(metadata.ModuleDbContextType);
        var deferInsert = metadata.Claim == IdempotencyClaimMode.WithFirstSave;
        var (claimed, holder, pending) = await ClaimAsync(db, key, caller, requestHash, deferInsert, context.RequestAborted);
        if (!claimed)
        {
            await AnswerForHolderAsync(context, holder, requestHash);
            return;
        }

        var claim = db.IdempotencyRecords.Where(r => r.Key == key && r.Caller == caller && r.Status == IdempotencyRecordStatus.InProgress);
        if (pending is null)
        {
            await RunAndStoreAsync(context, claim);
            return;
        }

        await RunWithClaimOnFirstSaveAsync(context, db, metadata.ModuleDbContextType, pending, claim);
    }

    private static bool IsValidKey(string? key) =>
        key is { Length: >= 1 and <= 255 } && key.All(c => c is >= '!' and <= '~');

    private static async Task<string> HashRequestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}\n"));
        request.EnableBuffering();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Claims the key for this request; when another request holds it, returns that request's record
    /// (null if it vanished just now, its request having failed). With <paramref name="deferInsert"/>, a key nobody
    /// holds is not inserted but returned as <c>Pending</c>, the record for the endpoint's first save to insert.
    /// </summary>
    private async Task<(bool Claimed, IdempotencyRecord? Holder, IdempotencyRecord? Pending)> ClaimAsync(
        ModuleDbContext db, string key, string caller, string requestHash, bool deferInsert, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var records = db.IdempotencyRecords.Where(r => r.Key == key && r.Caller == caller);
        var existing = await records.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
        if (existing is null)
        {
            var record = new IdempotencyRecord
            {
                Key = key,
                Caller = caller,
                RequestHash = requestHash,
                Status = IdempotencyRecordStatus.InProgress,
                CreatedAt = now,
                ExpiresAt = now + options.Value.Retention,
            };
            if (deferInsert)
            {
                return (true, null, record);
            }

            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (true, null, null);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                // A concurrent request with this key inserted first; anything else is a real failure.
                var winner = await records.AsNoTracking().SingleOrDefaultAsync(cancellationToken);
                if (winner is null)
                {
                    throw;
                }

                return (false, winner, null);
            }
        }

        var lost = existing.Status == IdempotencyRecordStatus.InProgress && existing.CreatedAt < now - options.Value.InProgressTimeout;
        if (existing.ExpiresAt > now && !lost)
        {
            return (false, existing, null);
        }

        // Expired, or left in progress by a node that went down: take it over, unless another request did since we read it.
        var takenOver = await records
            .Where(r => r.Status == existing.Status && r.CreatedAt == existing.CreatedAt)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(r => r.RequestHash, requestHash)
                    .SetProperty(r => r.Status, IdempotencyRecordStatus.InProgress)
                    .SetProperty(r => r.ResponseStatusCode, (int?)null)
                    .SetProperty(r => r.ResponseContentType, (string?)null)
                    .SetProperty(r => r.ResponseBody, (byte[]?)null)
                    .SetProperty(r => r.Location, (string?)null)
                    .SetProperty(r => r.CreatedAt, now)
                    .SetProperty(r => r.ExpiresAt, now + options.Value.Retention),
                cancellationToken);
        if (takenOver == 1)
        {
            if (lost)
            {
                logger.LogWarning("Took over an idempotency key left in progress since {Since} in {Module}", existing.CreatedAt, db.Schema);
            }

            return (true, null, null);
        }

        return (false, await records.AsNoTracking().SingleOrDefaultAsync(cancellationToken), null);
    }

    private static Task AnswerForHolderAsync(HttpContext context, IdempotencyRecord? holder, string requestHash)
    {
        if (holder is not null && holder.RequestHash != requestHash)
        {
            return ProblemAsync(
                context,
                StatusCodes.Status422UnprocessableEntity,
                $"This {HeaderName} was used for a different request.",
                "A key stands for one method, path and body; send a new key for a new request.");
        }

        if (holder is null || holder.Status == IdempotencyRecordStatus.InProgress)
        {
            return ProblemAsync(
                context,
                StatusCodes.Status409Conflict,
                $"A request with this {HeaderName} is in progress.",
                "Retry once it has finished to get its answer.");
        }

        var response = context.Response;
        response.StatusCode = holder.ResponseStatusCode!.Value;
        response.ContentType = holder.ResponseContentType;
        if (holder.Location is not null)
        {
            response.Headers.Location = holder.Location;
        }

        response.Headers[ReplayedHeaderName] = "true";
        return response.Body.WriteAsync(holder.ResponseBody ?? [], context.RequestAborted).AsTask();
    }

    private static Task ProblemAsync(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);

    /// <summary>
    /// Runs the endpoint with <paramref name="record"/> pending, for its first save of its module's context to insert
    /// (<see cref="IdempotencyClaimMode.WithFirstSave"/>), then stores the answer: on the record that save inserted, or,
    /// when the endpoint saved nothing, as a record of its own. A save or insert refused because another request holds
    /// the key gets that request's answer instead.
    /// </summary>
    private async Task RunWithClaimOnFirstSaveAsync(
        HttpContext context, ModuleDbContext db, Type contextType, IdempotencyRecord record, IQueryable<IdempotencyRecord> claim)
    {
        var pending = new PendingIdempotencyClaim(contextType, () => new IdempotencyRecord
        {
            Key = record.Key,
            Caller = record.Caller,
            RequestHash = record.RequestHash,
            Status = IdempotencyRecordStatus.InProgress,
            CreatedAt = record.CreatedAt,
            ExpiresAt = record.ExpiresAt,
        });
        var response = context.Response;
        var body = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        PendingIdempotencyClaim.Current = pending;
        try
        {
            await next(context);
        }
        catch (DbUpdateException) when (!pending.Saved)
        {
            // The endpoint's save was refused, most likely because another request with the key saved first.
            response.Body = body;
            if (await HolderAsync(db, record) is not { } holder)
            {
                throw;
            }

            response.Clear();
            await AnswerForHolderAsync(context, holder, record.RequestHash);
            return;
        }
        catch
        {
            if (pending.Saved)
            {
                await claim.ExecuteDeleteAsync(CancellationToken.None);
            }

            throw;
        }
        finally
        {
            response.Body = body;
            PendingIdempotencyClaim.Current = null;
        }

        if (response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            if (pending.Saved)
            {
                await claim.ExecuteDeleteAsync(CancellationToken.None);
            }
        }
        else if (!pending.Saved || await CompleteAsync(claim, response, buffer) == 0)
        {
            record.Status = IdempotencyRecordStatus.Completed;
            record.ResponseStatusCode = response.StatusCode;
            record.ResponseContentType = response.ContentType;
            record.ResponseBody = buffer.ToArray();
            record.Location = response.Headers.Location;
            db.IdempotencyRecords.Add(record);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                // Another request with the key saved first; its answer is the key's, not this one.
                if (await HolderAsync(db, record) is not { } holder)
                {
                    throw;
                }

                response.Clear();
                await AnswerForHolderAsync(context, holder, record.RequestHash);
                return;
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }

    private static Task<IdempotencyRecord?> HolderAsync(ModuleDbContext db, IdempotencyRecord record)
    {
        db.ChangeTracker.Clear();
        return db.IdempotencyRecords.AsNoTracking()
            .SingleOrDefaultAsync(r => r.Key == record.Key && r.Caller == record.Caller, CancellationToken.None);
    }

    private static Task<int> CompleteAsync(IQueryable<IdempotencyRecord> claim, HttpResponse response, MemoryStream buffer)
    {
        var answer = buffer.ToArray();
        string? location = response.Headers.Location;
        return claim.ExecuteUpdateAsync(
            set => set
                .SetProperty(r => r.Status, IdempotencyRecordStatus.Completed)
                .SetProperty(r => r.ResponseStatusCode, response.StatusCode)
                .SetProperty(r => r.ResponseContentType, response.ContentType)
                .SetProperty(r => r.ResponseBody, answer)
                .SetProperty(r => r.Location, location),
            CancellationToken.None);
    }

    /// <summary>Runs the endpoint with its answer buffered, stores the answer on <paramref name="claim"/> and sends it.</summary>
    private async Task RunAndStoreAsync(HttpContext context, IQueryable<IdempotencyRecord> claim)
    {
        var response = context.Response;
        var body = response.Body;
        using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            await claim.ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            response.Body = body;
        }

        // Not the request's token: once the endpoint has acted, its answer is stored even if the client has gone.
        if (response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            await claim.ExecuteDeleteAsync(CancellationToken.None);
        }
        else
        {
            await CompleteAsync(claim, response, buffer);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }
}
