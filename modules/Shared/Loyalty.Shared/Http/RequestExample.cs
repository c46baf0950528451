using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Loyalty.Shared.Http;

/// <summary>An example request body for the API reference; the host's OpenAPI setup writes it into the document.</summary>
public sealed record RequestExample(object Value);

public static class RequestExampleExtensions
{
    /// <summary>Documents the endpoint with a summary and an example JSON body (serialized like the API's own JSON).</summary>
    public static RouteHandlerBuilder WithExample(this RouteHandlerBuilder endpoint, string summary, object example) =>
        endpoint.WithSummary(summary).WithMetadata(new RequestExample(example));
}
