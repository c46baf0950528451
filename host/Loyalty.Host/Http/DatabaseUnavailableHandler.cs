using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Loyalty.Host.Http;

/// <summary>
/// A request that failed because the database could not be reached (down, restarting, refusing connections) answers
/// 503 problem+json with <c>Retry-After</c> instead of 500. Its work may have been committed just before the database
/// went (the answer failed after the commit), so the client sends the same request with the same
/// <c>Idempotency-Key</c> again, which never applies it twice (docs/reliability.md#postgresql-restarted-under-load).
/// The log names the endpoint and the failure's kind, never the exception's message, which may quote the data.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>A restarting PostgreSQL takes a few seconds; clients that honour the header do not hammer it meanwhile.</summary>
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (Cause(exception) is not { } cause || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The exception handler has taken the endpoint off the context by now; its feature still names it.
        LogUnavailable(logger, httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.DisplayName, Kind(cause));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = $"The request may not have been carried out. Send it again with the same Idempotency-Key in {RetryAfterSeconds} seconds: what was saved is not saved twice.",
            },
        });
    }

    /// <summary>The exception in the chain that says the database could not be reached, if any.</summary>
    private static Exception? Cause(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is RetryLimitExceededException or SocketException or DbException { IsTransient: true })
            {
                return e;
            }
        }

        return null;
    }

    private static string Kind(Exception cause) => cause switch
    {
        PostgresException postgres => $"{nameof(PostgresException)} {postgres.SqlState}",
        SocketException socket => $"{nameof(SocketException)} {socket.SocketErrorCode}",
        _ => cause.InnerException is { } inner ? $"{cause.GetType().Name} ({inner.GetType().Name})" : cause.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database could not be reached for {Endpoint} ({Failure}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string? endpoint, string failure);
}
