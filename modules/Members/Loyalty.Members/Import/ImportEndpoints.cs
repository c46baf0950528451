using System.Security.Cryptography;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Shared.Http;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Loyalty.Members.Import;

internal sealed record ImportErrorDto(Guid Id, long LineNumber, string Field, string Reason);

internal sealed record ImportErrorPage(IReadOnlyList<ImportErrorDto> Items, Guid? Next);

internal sealed record ImportJobPage(IReadOnlyList<ImportJobDto> Items, Guid? Next);

/// <summary>The folder uploads are stored in until they are imported.</summary>
internal sealed class ImportStorage(IOptions<ImportOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    public string Directory { get; } = options.Value.Directory is { Length: > 0 } configured
        ? Path.GetFullPath(configured, environment.ContentRootPath)
        : Path.Combine(Path.GetFullPath(DatabaseOptions.From(configuration).DataDirectory, environment.ContentRootPath), "imports");
}

internal static class ImportEndpoints
{
    public const int MaxPageSize = 100;

    public static void MapImportEndpoints(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/programs/{program}/imports");
        // No Idempotency-Key: its middleware reads the whole body to hash it before the endpoint streams it. The file's
        // SHA-256 makes the upload idempotent instead: the same file again answers the job it already has.
        imports.MapPost("/", Upload).RequireAuthorization(Policies.Integrate);
        imports.MapGet("/", List).RequireAuthorization(Policies.Integrate);
        imports.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Integrate).WithName("GetImport");
        imports.MapGet("/{id:guid}/errors", Errors).RequireAuthorization(Policies.Integrate);
        imports.MapPost("/{id:guid}/cancel", Cancel).RequireAuthorization(Policies.Integrate);
    }

    /// <summary>
    /// Takes a file as the raw request body (<c>?kind=members|transactions&amp;format=csv|ndjson&amp;fileName=…</c>), streams it to the imports
    /// folder while hashing it, and queues its import (202, with the job's location to poll). The same file again
    /// answers its existing job: 200 when it is done, 202 when it is still to finish (a failed one is resumed).
    /// </summary>
    private static async Task<Results<AcceptedAtRoute<ImportJobDto>, Ok<ImportJobDto>, ValidationProblem, ProblemHttpResult>> Upload(
        string program,
        string? kind,
        string? format,
        string? fileName,
        HttpRequest request,
        MembersDbContext db,
        ImportJobs jobs,
        ImportStorage storage,
        ImportRunner runner,
        IOptions<ImportOptions> options,
        CancellationToken cancellationToken)
    {
        var name = fileName ?? "upload";
        var parsedFormat = ImportFile.FormatOf(format ?? FormatOfContentType(request.ContentType), name);
        var errors = new ValidationErrors()
            .Check(Enum.TryParse<ImportKind>(kind, ignoreCase: true, out var parsedKind) && Enum.IsDefined(parsedKind), "kind", "Use members or transactions.")
            .Check(parsedFormat is not null, "format", "Use csv or ndjson (or send Content-Type text/csv or application/x-ndjson).");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var loyaltyProgram = await db.FindProgramAsync(program, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        System.IO.Directory.CreateDirectory(storage.Directory);
        var path = Path.Combine(storage.Directory, $"{Guid.NewGuid():N}.{parsedFormat!.Value.ToString().ToLowerInvariant()}");
        long size = 0;
        string sha256;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > options.Value.MaxUploadBytes)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        if (size == 0 || size > options.Value.MaxUploadBytes)
        {
            File.Delete(path);
            return TypedResults.Problem(
                title: size == 0 ? "The file is empty." : "The file is too large.",
                detail: size == 0 ? "Send the file as the request body." : $"At most {options.Value.MaxUploadBytes} bytes.",
                statusCode: size == 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status413PayloadTooLarge);
        }

        var (job, created) = await jobs.QueueAsync(loyaltyProgram, parsedKind, parsedFormat.Value, name, path, size, sha256, cancellationToken);
        if (!created && job.FilePath != path)
        {
            File.Delete(path);
        }

        if (job.Status == ImportStatus.Completed)
        {
            return TypedResults.Ok(ImportJobDto.From(job));
        }

        runner.Wake();
        return TypedResults.AcceptedAtRoute(ImportJobDto.From(job), "GetImport", new { program, id = job.Id });
    }

    private static string? FormatOfContentType(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        "text/csv" => "csv",
        "application/x-ndjson" or "application/ndjson" or "application/jsonl" => "ndjson",
        _ => null,
    };

    /// <summary>The program's jobs, newest first. Pass <c>next</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<ImportJobPage>, ValidationProblem, ProblemHttpResult>> List(
        string program, Guid? after, int? limit, MembersDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? 20;
        var errors = new ValidationErrors().Check(size is >= 1 and <= MaxPageSize, "limit", $"Give a page size between 1 and {MaxPageSize}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (await db.FindProgramAsync(program, cancellationToken) is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        var query = db.ImportJobs.AsNoTracking().Where(j => j.ProgramCode == program);
        if (after is not null && await db.ImportJobs.Where(j => j.Id == after && j.ProgramCode == program).Select(j => (DateTimeOffset?)j.CreatedAt).SingleOrDefaultAsync(cancellationToken) is { } createdAt)
        {
            query = query.Where(j => j.CreatedAt < createdAt || (j.CreatedAt == createdAt && j.Id.CompareTo(after.Value) < 0));
        }

        var page = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = page.Take(size).Select(ImportJobDto.From).ToList();
        return TypedResults.Ok(new ImportJobPage(items, page.Count > size ? items[^1].Id : null));
    }

    /// <summary>The job: its status and progress (rows, bytes, percent), read while it runs.</summary>
    private static async Task<Results<Ok<ImportJobDto>, NotFound>> Get(string program, Guid id, MembersDbContext db, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.ProgramCode == program, cancellationToken);
        return job is null ? TypedResults.NotFound() : TypedResults.Ok(ImportJobDto.From(job));
    }

    /// <summary>The bad rows, by line: the field and the reason, never the values. Pass <c>next</c> as <c>after</c> for the next page.</summary>
    private static async Task<Results<Ok<ImportErrorPage>, NotFound, ValidationProblem>> Errors(
        string program, Guid id, Guid? after, int? limit, MembersDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? 50;
        var errors = new ValidationErrors().Check(size is >= 1 and <= MaxPageSize, "limit", $"Give a page size between 1 and {MaxPageSize}.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (!await db.ImportJobs.AnyAsync(j => j.Id == id && j.ProgramCode == program, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var query = db.ImportRowErrors.AsNoTracking().Where(e => e.JobId == id);
        if (after is not null && await db.ImportRowErrors.Where(e => e.Id == after && e.JobId == id).Select(e => (long?)e.LineNumber).SingleOrDefaultAsync(cancellationToken) is { } line)
        {
            query = query.Where(e => e.LineNumber > line || (e.LineNumber == line && e.Id.CompareTo(after.Value) > 0));
        }

        var page = await query.OrderBy(e => e.LineNumber).ThenBy(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = page.Take(size).Select(e => new ImportErrorDto(e.Id, e.LineNumber, e.Field, e.Reason)).ToList();
        return TypedResults.Ok(new ImportErrorPage(items, page.Count > size ? items[^1].Id : null));
    }

    /// <summary>Stops a queued or running job after its current batch; what was committed stays. Uploading the file again resumes it.</summary>
    private static async Task<Results<Ok<ImportJobDto>, NotFound, ProblemHttpResult>> Cancel(
        string program, Guid id, MembersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.ImportJobs
            .Where(j => j.Id == id && j.ProgramCode == program && (j.Status == ImportStatus.Queued || j.Status == ImportStatus.Running))
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.Status, ImportStatus.Cancelled).SetProperty(j => j.FinishedAt, now), cancellationToken);
        var job = await db.ImportJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.ProgramCode == program, cancellationToken);
        if (job is null)
        {
            return TypedResults.NotFound();
        }

        return job.Status == ImportStatus.Cancelled
            ? TypedResults.Ok(ImportJobDto.From(job))
            : TypedResults.Problem(title: "The import has finished.", detail: $"It is {job.Status.ToString().ToLowerInvariant()}.", statusCode: StatusCodes.Status409Conflict);
    }
}
