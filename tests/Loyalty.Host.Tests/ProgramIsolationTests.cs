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
/// Object-level authorization across programs: an API key limited to program A calls every operation of the OpenAPI
/// document with program B's code and object ids, and with A's code but B's object ids. It must be refused (403 or
/// 404), never see B's data, and leave B's data as it was.
/// </summary>
public sealed partial class ProgramIsolationTests(ITestOutputHelper output)
{
    /// <summary>
    /// The operations a key limited to programs may call although their route names no program, and why; every other
    /// operation without a program in its route answers such a key 403 (see <see cref="ProgramScope.UseProgramScopes"/>).
    /// </summary>
    private static readonly Dictionary<string, string> GlobalByDesign = new()
    {
        ["POST /api/admin/auth/sign-in"] = "anonymous: a person signs in with a password; no key is involved",
        ["POST /api/admin/auth/sign-out"] = "ends the caller's own cookie session; shows and changes nothing of a program",
        ["GET /api/admin/auth/me"] = "the caller's own name and roles",
        ["GET /api/members/programs"] = "lists only the programs the key is limited to",
        ["GET /api/campaigns/m/unsubscribe/{token}"] = "anonymous: the link's signed token is the authorization, not the caller",
        ["POST /api/campaigns/m/unsubscribe/{token}"] = "anonymous: the link's signed token is the authorization, not the caller",
        ["GET /api/campaigns/m/open/{token}"] = "anonymous: the link's signed token is the authorization, not the caller",
        ["GET /api/campaigns/m/click/{token}"] = "anonymous: the link's signed token is the authorization, not the caller",
    };

    private static readonly string[] AllRoles = [Roles.Admin, Roles.Marketer, Roles.Support, Roles.DataProtectionOfficer, Roles.Integrator];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_key_limited_to_one_program_can_neither_read_nor_change_another_programs_data_through_any_operation(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["RateLimiting:PermitsPerWindow"] = "1000000" }, schedulerHeld: true);
        using var admin = await host.ApiKeyClientAsync(AllRoles);
        var a = await CreateProgramAsync(admin, "prog-a", "Program A");
        var b = await CreateProgramAsync(admin, "prog-b", "Program B Confidential");
        var world = await SeedAsync(admin, a, b, host.Clock.GetUtcNow());
        using var scoped = await ScopedClientAsync(host, [a]);

        var document = JsonNode.Parse(await admin.GetStringAsync("/openapi/v1.json"))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => new Operation(op.Key.ToUpperInvariant(), path.Key, op.Value!)))
            .ToList();
        Assert.True(operations.Count > 150, $"only {operations.Count} operations in the OpenAPI document");
        await SeedFromExamplesAsync(admin, operations, world);

        var before = await SnapshotAsync(admin, operations, world);
        var failures = new List<string>();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var calls = 0;
        foreach (var operation in operations)
        {
            var name = $"{operation.Method} {operation.Path}";
            if (name == "POST /api/admin/auth/sign-in")
            {
                continue;
            }

            var variants = new List<(string Kind, string Target, HttpContent? Body)>();
            if (operation.Names("program"))
            {
                variants.Add(("B's program", world.Fill(operation.Path, b), world.Body(operation)));
                if (operation.PathNames.Count > 1 || World.MentionsB(operation))
                {
                    variants.Add(("A's program, B's objects", world.Fill(operation.Path, a), world.Body(operation)));
                }
            }
            else
            {
                variants.Add(("no program in the route", world.Fill(operation.Path, b), world.Body(operation)));
            }

            foreach (var (kind, target, body) in variants)
            {
                calls++;
                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), target) { Content = body };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                if (operation.Method == "PUT")
                {
                    request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                }

                var sentText = target + (body is null ? "" : await body.ReadAsStringAsync());
                using var response = await scoped.SendAsync(request);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                statuses[$"{kind}: {status}"] = statuses.GetValueOrDefault($"{kind}: {status}") + 1;
                // An id the request itself carried may come back in a 404's detail; anything else of B's is a leak.
                var leaked = world.BMarkers.FirstOrDefault(marker =>
                    text.Contains(marker, StringComparison.OrdinalIgnoreCase) && !sentText.Contains(marker, StringComparison.OrdinalIgnoreCase));
                if (leaked is not null)
                {
                    failures.Add($"{name} ({kind}) -> {status} shows B's '{leaked}'");
                }

                if (GlobalByDesign.ContainsKey(name))
                {
                    if (status >= 500)
                    {
                        failures.Add($"{name} ({kind}) -> {status}");
                    }

                    continue;
                }

                // In A's program: an object of B named by id must be unknown there (403/404); a body naming B's member
                // must be refused; a name (key, code) is A's own namespace, so A may have or create its own of that name.
                var expected = kind != "A's program, B's objects" ? status == 403
                    : operation.NamesObjectOfB ? status is 403 or 404
                    : World.MentionsB(operation) ? status is >= 400 and < 500
                    : status < 500;
                if (!expected)
                {
                    failures.Add($"{name} ({kind}) {target} -> {status} {Shorten(text)}");
                }
                else if (status == 403 && kind == "B's program")
                {
                    var problem = JsonNode.Parse(text)!;
                    if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || (string?)problem["program"] != b)
                    {
                        failures.Add($"{name} ({kind}) -> 403 without problem+json naming the program: {Shorten(text)}");
                    }
                }
            }
        }

        var after = await SnapshotAsync(admin, operations, world);
        var changed = before.Keys.Where(k => before[k] != after.GetValueOrDefault(k)).ToList();
        output.WriteLine($"{operations.Count} operations, {calls} calls with a key limited to {a}; B's snapshot: {before.Count} reads; answers: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(60)));
        Assert.True(changed.Count == 0, "B's data changed: " + string.Join("\n", changed.Select(k => $"{k}\n  before: {Shorten(before[k])}\n  after:  {Shorten(after.GetValueOrDefault(k) ?? "(gone)")}")));
        Assert.Empty(await admin.GetFromJsonAsync<List<JsonNode>>($"/api/members/programs/{b}/ledger-check") ?? []);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_limited_key_works_in_its_own_programs_and_lists_only_them(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.ApiKeyClientAsync(AllRoles);
        var a = await CreateProgramAsync(admin, "prog-a", "Program A");
        var b = await CreateProgramAsync(admin, "prog-b", "Program B");
        var c = await CreateProgramAsync(admin, "prog-c", "Program C");
        using var scoped = await ScopedClientAsync(host, [a, c]);

        var enrolled = await scoped.PostAsJsonAsync($"/api/members/programs/{a}/members", new { externalId = "a-1", firstName = "Ada", channel = "web" });
        var refused = await scoped.PostAsJsonAsync($"/api/members/programs/{b}/members", new { externalId = "b-1", firstName = "Bea", channel = "web" });
        var listed = await scoped.GetFromJsonAsync<List<JsonNode>>("/api/members/programs");
        var creating = await scoped.PostAsJsonAsync("/api/members/programs", new { code = "prog-d", name = "D", timeZone = "Europe/Berlin", currency = "EUR" });

        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/members/programs/{c}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(b, (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["program"]);
        Assert.Equal([a, c], listed!.Select(p => (string)p["code"]!).Order().ToList());
        Assert.Equal(HttpStatusCode.Forbidden, creating.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/members/programs/{b}/members/by/externalId/b-1")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_key_cannot_be_limited_to_a_program_that_does_not_exist(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        using var admin = await host.SignedInAdminAsync();
        var a = await CreateProgramAsync(admin, "prog-a", "Program A");

        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "pos", roles = new[] { Roles.Integrator }, programs = new[] { a, "no-such-program" } });
        var created = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = "pos", roles = new[] { Roles.Integrator }, programs = new[] { a } });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("no-such-program", (string?)problem["errors"]!["programs"]![0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal([a], (await created.Content.ReadFromJsonAsync<JsonNode>())!["apiKey"]!["programs"]!.AsArray().Select(p => (string)p!).ToList());
    }

    private static async Task<string> CreateProgramAsync(HttpClient admin, string code, string name)
    {
        (await admin.PostAsJsonAsync("/api/members/programs", new { code, name, timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        return code;
    }

    private static async Task<HttpClient> ScopedClientAsync(LoyaltyHost host, string[] programs)
    {
        using var admin = await host.SignedInAdminAsync();
        var response = await admin.PostAsJsonAsync("/api/admin/api-keys", new { name = $"scoped-{Guid.NewGuid():N}", roles = AllRoles, programs });
        response.EnsureSuccessStatusCode();
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (string)(await response.Content.ReadFromJsonAsync<JsonNode>())!["key"]!);
        return client;
    }

    /// <summary>B's members with points, a reward and a redemption, a data subject request; A gets a member of its own.</summary>
    private static async Task<World> SeedAsync(HttpClient admin, string a, string b, DateTimeOffset now)
    {
        async Task<JsonNode> Post(string path, object body)
        {
            var response = await admin.PostAsJsonAsync(path, body);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        }

        await Post($"/api/members/programs/{a}/members", new { externalId = "a-1", email = "alice@a.example", firstName = "Alice", channel = "web" });
        var member = (Guid)(await Post($"/api/members/programs/{b}/members", new { externalId = "b-secret-1", email = "bertha@b.example", firstName = "Bertha", channel = "web" }))["id"]!;
        var duplicate = (Guid)(await Post($"/api/members/programs/{b}/members", new { externalId = "b-secret-2", email = "bruno@b.example", firstName = "Bruno", channel = "web" }))["id"]!;
        await Post($"/api/members/programs/{b}/members/{member}/adjustments", new { points = 5000, reason = "seed" });
        await Post($"/api/members/programs/{b}/members/{duplicate}/adjustments", new { points = 700, reason = "seed" });
        var reward = (Guid)(await Post($"/api/rewards/programs/{b}/rewards", new { name = "B's secret reward", kind = "discountVoucher", pointsCost = 500, value = 500 }))["id"]!;
        var redemption = (Guid)(await Post($"/api/rewards/programs/{b}/members/{member}/redemptions", new { rewardId = reward, externalId = "b-order-1" }))["id"]!;
        var world = new World(b, member, duplicate, reward, redemption, now);
        var request = await admin.PostAsJsonAsync($"/api/consent/members/{member}/requests", new { type = "erasure", verification = "Signed in to the shop account" });
        if (request.IsSuccessStatusCode && (await request.Content.ReadFromJsonAsync<JsonNode>())?["id"] is { } requestId)
        {
            world.RequestId = (Guid)requestId;
        }

        return world;
    }

    /// <summary>
    /// Creates in B whatever the documented examples of B's collections create (campaigns, rules, segments, surveys,
    /// purposes, reviews, activities…), so that those operations meet real objects of B. Two rounds, because some
    /// examples need what another creates (an activity its type).
    /// </summary>
    private static async Task SeedFromExamplesAsync(HttpClient admin, List<Operation> operations, World world)
    {
        var done = new HashSet<Operation>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var operation in operations.Where(o => o.Path.Contains("{program}", StringComparison.Ordinal)))
            {
                var collection = operation.Method == "POST" && operation.PathNames.SequenceEqual(["program"]);
                var upsert = operation.Method == "PUT" && operation.PathNames.SequenceEqual(["program", "key"]);
                var publish = operation.Method == "POST" && operation.Path.EndsWith("/{key}/publish", StringComparison.Ordinal);
                if (!(collection || upsert || publish) || done.Contains(operation))
                {
                    continue;
                }

                using var request = new HttpRequestMessage(new HttpMethod(operation.Method), world.Fill(operation.Path, world.B)) { Content = world.Body(operation) };
                using var response = await admin.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }

                done.Add(operation);
                if (publish)
                {
                    continue;
                }

                var answer = response.Content.Headers.ContentType?.MediaType == "application/json"
                    ? JsonNode.Parse(await response.Content.ReadAsStringAsync())
                    : null;
                var example = operation.Example as JsonObject;
                var handle = upsert
                    ? World.SeedKey
                    : (string?)(example?["code"] ?? example?["key"] ?? example?["externalId"]) is { } code && answer is JsonObject
                        ? code
                        : null;
                var id = answer is JsonObject created && created["id"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
                world.Seeded[operation.Prefix] = (id, handle);
            }
        }
    }

    /// <summary>Every read of B's data (every GET naming a program, with B's code and objects), as an unlimited admin sees it.</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(HttpClient admin, List<Operation> operations, World world)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var operation in operations.Where(o => o.Method == "GET" && o.Names("program")))
        {
            var target = world.Fill(operation.Path, world.B);
            using var response = await admin.GetAsync(target);
            var text = TraceId().Replace(await response.Content.ReadAsStringAsync(), string.Empty);
            snapshot[target] = $"{(int)response.StatusCode} {text}";
        }

        return snapshot;
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex TraceId();

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private sealed record Operation(string Method, string Path, JsonNode Node)
    {
        public List<string> PathNames { get; } =
            Node["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "path").Select(p => (string)p!["name"]!).ToList() ?? [];

        public JsonNode? Example => Node["requestBody"]?["content"]?["application/json"]?["example"];

        public bool HasBody => Node["requestBody"] is not null;

        /// <summary>The collection the operation's first object parameter belongs to: the path before it.</summary>
        public string Prefix
        {
            get
            {
                var at = Path.IndexOf('{', Path.IndexOf("{program}", StringComparison.Ordinal) is var p and >= 0 ? p + 1 : 0);
                return at < 0 ? Path : Path[..(at - 1)];
            }
        }

        public bool Names(string parameter) => PathNames.Contains(parameter);

        /// <summary>Whether a path parameter besides the program names an object by id (not by a name within the program).</summary>
        public bool NamesObjectOfB => PathNames.Any(n => n is not ("program" or "key" or "code" or "externalId" or "version"));
    }

    /// <summary>B's objects, and how an operation's parameters and example body are filled with them.</summary>
    private sealed class World(string b, Guid member, Guid duplicate, Guid reward, Guid redemption, DateTimeOffset now)
    {
        public const string SeedKey = "bseed";

        public string B { get; } = b;

        public Guid? RequestId { get; set; }

        /// <summary>Objects created from examples, by collection path: their id and their code or key.</summary>
        public Dictionary<string, (string? Id, string? Handle)> Seeded { get; } = new(StringComparer.Ordinal);

        /// <summary>Ids of objects that do not exist, one per parameter and collection, so that every fill of a path is the same.</summary>
        private readonly Dictionary<string, string> _unknown = new(StringComparer.Ordinal);

        /// <summary>What must never appear in an answer to the limited key.</summary>
        public string[] BMarkers { get; } =
            ["Program B Confidential", member.ToString(), duplicate.ToString(), reward.ToString(), redemption.ToString(), "bertha@b.example", "bruno@b.example", "b-secret-1", "B's secret reward"];

        public string Fill(string path, string program)
        {
            var prefix = path;
            var result = new StringBuilder();
            var at = 0;
            while (path.IndexOf('{', at) is var open and >= 0)
            {
                var close = path.IndexOf('}', open);
                var name = path[(open + 1)..close];
                result.Append(path, at, open - at);
                var collection = path[..Math.Max(0, open - 1)];
                result.Append(Uri.EscapeDataString(Value(name, program, collection)));
                at = close + 1;
            }

            result.Append(path, at, path.Length - at);
            return result.ToString();
        }

        private string Value(string name, string program, string collection)
        {
            var seeded = Seeded.GetValueOrDefault(collection);
            string Unknown()
            {
                var key = $"{collection} {name}";
                return _unknown.TryGetValue(key, out var id) ? id : _unknown[key] = Guid.NewGuid().ToString();
            }

            return name switch
            {
                "program" => program,
                "memberId" or "survivorId" => member.ToString(),
                "rewardId" => reward.ToString(),
                "redemptionId" => redemption.ToString(),
                "requestId" => RequestId?.ToString() ?? Unknown(),
                "kind" => "externalId",
                "value" => "b-secret-1",
                "version" => "1",
                "id" => seeded.Id ?? Unknown(),
                "key" or "code" or "externalId" => seeded.Handle ?? (collection.EndsWith("/surveys", StringComparison.Ordinal) || collection.EndsWith("/attribute-definitions", StringComparison.Ordinal) ? SeedKey : "x"),
                _ when name.EndsWith("Id", StringComparison.Ordinal) => Unknown(),
                _ => "x",
            };
        }

        /// <summary>The documented example with every member, duplicate and reward id replaced by B's.</summary>
        public StringContent? Body(Operation operation)
        {
            if (!operation.HasBody)
            {
                return null;
            }

            var example = operation.Example?.DeepClone() ?? new JsonObject();
            if (example is JsonObject body)
            {
                if (body.ContainsKey("memberId"))
                {
                    body["memberId"] = member.ToString();
                    Replace(body, "cardNumber", null);
                    Replace(body, "memberExternalId", null);
                }

                if (body["occurredAt"] is not null)
                {
                    body["occurredAt"] = now.AddHours(-1).ToString("O");
                }

                Replace(body, "duplicateId", duplicate.ToString());
                Replace(body, "rewardId", reward.ToString());
            }

            return new StringContent(example.ToJsonString(), Encoding.UTF8, "application/json");
        }

        /// <summary>Whether the operation's body would carry one of B's objects.</summary>
        public static bool MentionsB(Operation operation) =>
            operation.Example is JsonObject body && (body.ContainsKey("memberId") || body.ContainsKey("duplicateId") || body.ContainsKey("rewardId"));

        private static void Replace(JsonObject body, string property, string? value)
        {
            if (body.ContainsKey(property))
            {
                body[property] = value;
            }
        }
    }
}
