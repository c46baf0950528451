using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests;

/// <summary>
/// A fuzzing pass over every operation of the OpenAPI document: malformed, huge, deeply nested and wrongly typed
/// bodies, boundary numbers, Unicode tricks and injection strings, in bodies, path parameters and query parameters.
/// No answer may be a 500, and none may take longer than a few seconds.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerRequest = TimeSpan.FromSeconds(15);

    private static readonly string[] HostileStrings =
    [
        "", "\u0000", "\ud800", "\u202eevil", "💥", new string('x', 5_000), "'; DROP TABLE members; --", "{{ 7 * 7 }}", "=HYPERLINK(\"x\")",
        "../../etc/passwd", "-1", "99999999999999999999999999",
    ];

    private static readonly JsonNode?[] HostileValues =
    [
        null, true, long.MinValue, long.MaxValue, 79228162514264337593543950335m, "", "\u0000", new string('x', 70_000),
        "'; DROP TABLE members; --", new JsonArray(1, "two", null), new JsonObject(),
    ];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task No_hostile_request_to_any_operation_answers_500_or_hangs(DatabaseProvider provider)
    {
        // The rate limit would answer most of these with 429 before they reach an endpoint.
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["RateLimiting:PermitsPerWindow"] = "1000000" }, schedulerHeld: true);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("fuzz-1", "fuzz@example.com");
        using var client = await host.ApiKeyClientAsync(Roles.Admin, Roles.Marketer, Roles.Support, Roles.DataProtectionOfficer, Roles.Integrator);
        client.Timeout = PerRequest;
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Method: op.Key.ToUpperInvariant(), Path: path.Key, Operation: op.Value!)))
            .Where(o => !o.Path.StartsWith("/api/admin/auth", StringComparison.Ordinal))
            .ToList();

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var sent = 0;
        var slowest = new List<(TimeSpan Took, string Operation)>();
        foreach (var (method, path, operation) in operations)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            foreach (var (target, content) in Requests(path, operation, api.Program, member))
            {
                sent++;
                using var request = new HttpRequestMessage(new HttpMethod(method), target) { Content = content };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                try
                {
                    using var response = await client.SendAsync(request);
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{method} {Shorten(target)} {Shorten(content is null ? "" : await content.ReadAsStringAsync())} -> {(int)response.StatusCode}");
                    }
                }
                catch (TaskCanceledException)
                {
                    failures.Add($"{method} {Shorten(target)} {Shorten(content is null ? "" : await content.ReadAsStringAsync())} -> no answer within {PerRequest.TotalSeconds} s");
                }
            }

            slowest.Add((started.Elapsed, $"{method} {path}"));
        }

        output.WriteLine("slowest: " + string.Join("; ", slowest.OrderByDescending(s => s.Took).Take(8).Select(s => $"{s.Operation} {s.Took.TotalSeconds:F1} s")));

        output.WriteLine($"{operations.Count} operations, {sent} hostile requests, {failures.Count} failures; answers: {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}");
        Assert.True(operations.Count > 100, $"only {operations.Count} operations in the OpenAPI document");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Distinct().Take(40)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Text_with_a_NUL_character_is_refused_at_its_field_before_it_reaches_the_database(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);

        var response = await api.Pos.PostAsJsonAsync(api.Members, new { externalId = "shop-1", firstName = "Ada\u0000", channel = "web" });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Loyalty.Shared.Http.NulFreeStringConverter.Reason, (string?)problem["errors"]!["firstName"]![0]);
    }

    /// <summary>The hostile variants of one operation: its path with hostile parameters, its query, and its body.</summary>
    private static IEnumerable<(string Target, HttpContent? Content)> Requests(string path, JsonNode operation, string program, Guid member)
    {
        var parameters = operation["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
        var pathNames = parameters.Where(p => (string?)p["in"] == "path").Select(p => (string)p["name"]!).ToList();
        var queryNames = parameters.Where(p => (string?)p["in"] == "query").Select(p => (string)p["name"]!).ToList();
        string Fill(Func<string, string> value) =>
            pathNames.Aggregate(path, (target, name) => target.Replace($"{{{name}}}", Uri.EscapeDataString(value(name)), StringComparison.Ordinal));
        string Plausible(string name) => name switch
        {
            "program" => program,
            "memberId" or "member" => member.ToString(),
            _ when name.EndsWith("Id", StringComparison.Ordinal) || name == "id" => Guid.NewGuid().ToString(),
            _ => "x",
        };

        var plausible = Fill(Plausible);
        var example = operation["requestBody"]?["content"]?["application/json"]?["example"];
        var body = example is null ? null : Json(example.ToJsonString());

        // Hostile path parameters, one at a time (Kestrel refuses a NUL in the path before the application sees it).
        foreach (var name in pathNames)
        {
            foreach (var hostile in HostileStrings.Where(s => s.Length is > 0 and < 1000 && !s.Contains('\0', StringComparison.Ordinal)))
            {
                yield return (Fill(n => n == name ? hostile : Plausible(n)), body is null ? null : Json(example!.ToJsonString()));
            }
        }

        // Hostile query parameters, all at once per value.
        if (queryNames.Count > 0)
        {
            foreach (var hostile in HostileStrings.Where(s => s.Length < 1000))
            {
                var query = string.Join("&", queryNames.Select(n => $"{n}={Uri.EscapeDataString(hostile)}"));
                yield return ($"{plausible}?{query}", body is null ? null : Json(example!.ToJsonString()));
            }
        }

        if (operation["requestBody"] is null)
        {
            yield break;
        }

        yield return (plausible, Json("{"));
        yield return (plausible, Json("[1,2,3]"));
        yield return (plausible, Json("\"a string\""));
        yield return (plausible, Json(new string('[', 5000) + new string(']', 5000)));
        yield return (plausible, Json("{\"a\":" + new string('x', 2_000_000).Insert(0, "\"") + "\"}"));
        yield return (plausible, new StringContent("<xml/>", Encoding.UTF8, "application/xml"));
        if (example is JsonObject exampleObject)
        {
            foreach (var property in exampleObject.Select(p => p.Key).ToList())
            {
                foreach (var value in HostileValues)
                {
                    var variant = exampleObject.DeepClone().AsObject();
                    variant[property] = value?.DeepClone();
                    yield return (plausible, Json(variant.ToJsonString()));
                }
            }
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
