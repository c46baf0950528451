using Microsoft.AspNetCore.Diagnostics;

namespace Loyalty.Host.Http;

/// <summary>
/// A body that is not JSON, or a value that does not fit its parameter (<c>after=abc</c> for an id), answers 400
/// problem+json saying what could not be read, instead of a bare "Bad Request".
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
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message },
        });
    }
}
