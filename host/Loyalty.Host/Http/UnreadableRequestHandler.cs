using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Loyalty.Host.Http;

/// <summary>
/// A body that is not JSON, or a value that does not fit its parameter (<c>after=abc</c> for an id), answers 400
/// problem+json saying what could not be read, instead of a bare "Bad Request". When the JSON reader knows where it
/// stopped (a field the shape does not have, a value of the wrong kind), <c>errors</c> names that field as validation
/// errors do: <c>window.dayz</c>, <c>conditions.all[1].skus</c>.
/// </summary>
internal sealed class UnreadableRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message },
        };
        if (bad.InnerException is JsonException { Path: { Length: > 2 } path } json && path.StartsWith("$.", StringComparison.Ordinal))
        {
            context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [path[2..]] = [Reason(json)] };
        }

        return await problems.TryWriteAsync(context);
    }

    /// <summary>The reader's message without its position suffix, which the field name already gives.</summary>
    private static string Reason(JsonException json)
    {
        var message = json.Message;
        var position = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return position > 0 ? message[..position] : message;
    }
}
