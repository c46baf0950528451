using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Loyalty.Host.Admin;

/// <summary>
/// The UI's client of the host's own HTTP API, acting as the signed-in person: it passes their session cookie on, so
/// the API authorizes, validates and audits what the UI does as it would for any other client (docs/adr/0006-admin-ui.md).
/// </summary>
internal sealed class AdminApi(IHttpClientFactory clients, IHttpContextAccessor httpContextAccessor)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads <paramref name="path"/>; any answer but 2xx is an error of the page, not of the person's input.</summary>
    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(Json, Aborted))!;
    }

    /// <summary>Sends a change; the answer carries the API's problem (with its field errors) when it was refused.</summary>
    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body = null, string? idempotencyKey = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await SendAsync(request);
        var content = response.Content.Headers.ContentLength is 0 || response.Content.Headers.ContentType is null
            ? (JsonElement?)null
            : await response.Content.ReadFromJsonAsync<JsonElement>(Json, Aborted);
        return new ApiAnswer(response.StatusCode, content, response.Headers.ETag?.Tag);
    }

    /// <summary>Sends <paramref name="content"/> as it is (a file of codes); the answer as for <see cref="SendAsync(HttpMethod, string, object?, string?, string?)"/>.</summary>
    public async Task<ApiAnswer> SendContentAsync(HttpMethod method, string path, HttpContent content)
    {
        using var response = await SendAsync(new HttpRequestMessage(method, path) { Content = content });
        var body = response.Content.Headers.ContentLength is 0 || response.Content.Headers.ContentType is null
            ? (JsonElement?)null
            : await response.Content.ReadFromJsonAsync<JsonElement>(Json, Aborted);
        return new ApiAnswer(response.StatusCode, body);
    }

    private CancellationToken Aborted => httpContextAccessor.HttpContext?.RequestAborted ?? CancellationToken.None;

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var http = httpContextAccessor.HttpContext ?? throw new InvalidOperationException("The admin API client is used outside a request.");
            if (http.Request.Headers.Cookie is { Count: > 0 } cookie)
            {
                request.Headers.Add("Cookie", cookie.ToString());
            }

            return await clients.CreateClient(AdminUi.SelfApiClient).SendAsync(request, Aborted);
        }
    }
}

/// <summary>What the API answered to a change: its status and JSON body (a problem+json when refused), and the resource's ETag if it sent one.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement? Body, string? ETag = null)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;

    /// <summary>The problem's title, for a refusal that names no field (a conflict, a missing member).</summary>
    public string? Title => !Succeeded && Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("title", out var title) ? title.GetString() : null;

    /// <summary>The reasons the API gave for <paramref name="field"/> (its JSON name, e.g. <c>reason</c> or <c>mappings[0].crmField</c>).</summary>
    public IReadOnlyList<string> ErrorsFor(string field) =>
        !Succeeded && Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().Where(e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase))
                .SelectMany(e => e.Value.EnumerateArray().Select(r => r.GetString() ?? string.Empty)).ToList()
            : [];
}
