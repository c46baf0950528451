using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Loyalty.Connectors.Salesforce;

/// <summary>An access token and the org instance it is valid for (instance_url of the token response).</summary>
internal sealed record SalesforceToken(string AccessToken, Uri InstanceUrl, string IdentityUrl);

/// <summary>
/// Obtains and keeps the session for one connection. Client credentials and JWT bearer get no refresh token, so an
/// expired session is replaced by authenticating again; the refresh token flow exchanges the configured refresh token.
/// </summary>
internal sealed class SalesforceSession(HttpClient http, SalesforceSettings settings, TimeProvider time)
{
    private Task<SalesforceToken>? _current;
    // A connected app that rotates refresh tokens invalidates the old one with each refresh: the new one is used next.
    private string? _refreshToken = settings.RefreshToken;

    /// <summary>The current session; callers arriving while one is being obtained share that sign-in.</summary>
    public async Task<SalesforceToken> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var fresh = AuthenticateAsync(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _current, fresh, current) == current ? fresh : Volatile.Read(ref _current)!;
        }

        return await current.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets <paramref name="expired"/> so the next request authenticates again; a newer session is kept.</summary>
    public void Invalidate(SalesforceToken expired)
    {
        var current = Volatile.Read(ref _current);
        if (current is { IsCompletedSuccessfully: true } && current.Result == expired)
        {
            Interlocked.CompareExchange(ref _current, null, current);
        }
    }

    private async Task<SalesforceToken> AuthenticateAsync(CancellationToken cancellationToken)
    {
        var form = settings.AuthFlow switch
        {
            SalesforceAuthFlow.ClientCredentials => new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.ClientId,
                ["client_secret"] = Required(settings.ClientSecret, nameof(settings.ClientSecret)),
            },
            SalesforceAuthFlow.JwtBearer => new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = Assertion(),
            },
            _ => RefreshForm(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.LoginUrl, "/services/oauth2/token"))
        {
            Content = new FormUrlEncodedContent(form),
        };
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = Parse(body);
        var root = json?.RootElement;
        if (!response.IsSuccessStatusCode || root is not { ValueKind: JsonValueKind.Object } answer)
        {
            var error = root is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty("error", out var code) ? code.GetString() : null;
            var description = root is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("error_description", out var text) ? text.GetString() : null;
            throw new SalesforceAuthenticationException(
                $"Salesforce refused the {settings.AuthFlow} sign-in ({(int)response.StatusCode} {error ?? "no error code"}: {description ?? "no description"})");
        }

        if (answer.TryGetProperty("refresh_token", out var rotated) && rotated.GetString() is { Length: > 0 } next && next != _refreshToken)
        {
            _refreshToken = next;
            if (settings.RefreshTokenRotated is { } save)
            {
                // The old token no longer works: the next run must start from this one.
                await save(next, cancellationToken);
            }
        }

        return new SalesforceToken(
            answer.GetProperty("access_token").GetString()!,
            new Uri(answer.GetProperty("instance_url").GetString()!),
            answer.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "");
    }

    private Dictionary<string, string> RefreshForm()
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = settings.ClientId,
            ["refresh_token"] = Required(_refreshToken, nameof(settings.RefreshToken)),
        };
        if (settings.ClientSecret is { } secret)
        {
            form["client_secret"] = secret;
        }

        return form;
    }

    /// <summary>The JWT bearer assertion: RS256, iss = client id, sub = user, aud = login host, valid three minutes.</summary>
    private string Assertion()
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(Required(settings.PrivateKeyPem, nameof(settings.PrivateKeyPem)));
        var now = time.GetUtcNow().UtcDateTime;
        var handler = new JwtSecurityTokenHandler();
        var token = handler.CreateJwtSecurityToken(
            issuer: settings.ClientId,
            audience: settings.JwtAudience ?? settings.LoginUrl.GetLeftPart(UriPartial.Authority),
            subject: new ClaimsIdentity([new Claim("sub", Required(settings.Username, nameof(settings.Username)))]),
            notBefore: now,
            expires: now.AddMinutes(3),
            issuedAt: now,
            signingCredentials: new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256));
        return handler.WriteToken(token);
    }

    private static JsonDocument? Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string Required(string? value, string name) => string.IsNullOrEmpty(value)
        ? throw new SalesforceAuthenticationException($"The {settings.AuthFlow} flow needs {name}, and the connection has none")
        : value;
}
