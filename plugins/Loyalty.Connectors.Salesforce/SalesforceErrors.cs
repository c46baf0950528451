using System.Net;

namespace Loyalty.Connectors.Salesforce;

/// <summary>One entry of Salesforce's error array: errorCode at the top level, statusCode per record.</summary>
internal sealed record SalesforceError(string Code, string Message, IReadOnlyList<string> Fields);

/// <summary>Salesforce refused a request; the message carries Salesforce's error code and text, never record data we sent.</summary>
internal class SalesforceException(HttpStatusCode status, SalesforceError error)
    : Exception($"Salesforce answered {(int)status} {error.Code}: {error.Message}")
{
    public HttpStatusCode Status { get; } = status;

    public SalesforceError Error { get; } = error;
}

/// <summary>The org's API request limit is exhausted (403 REQUEST_LIMIT_EXCEEDED): stop, keep the cursor, resume later.</summary>
internal sealed class SalesforceRequestLimitExceededException(SalesforceError error)
    : SalesforceException(HttpStatusCode.Forbidden, error);

/// <summary>The token endpoint refused the credentials, or a fresh session was refused too.</summary>
internal sealed class SalesforceAuthenticationException(string message) : Exception(message);
