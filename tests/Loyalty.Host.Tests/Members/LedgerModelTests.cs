using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loyalty.Host.Tests.Rewards;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Xunit.Abstractions;

namespace Loyalty.Host.Tests.Members;

/// <summary>
/// A randomised sequence of accruals, redemptions of rewards, their cancellations, expiries, adjustments and merges,
/// over HTTP, some sent twice (the same Idempotency-Key and external id) and some at the same time, checked against a
/// small reference model of lots: every balance equals the sum of its entries, never goes below zero, equals the
/// model's, and every external id is applied once. A failure names its seed; set LOYALTY_LEDGER_MODEL_SEED to replay one.
/// </summary>
public sealed class LedgerModelTests(ITestOutputHelper output)
{
    private static readonly int[] Seeds = [11, 23, 37, 41, 53];

    private const int Steps = 40;

    private const int ExpiryMonths = 1;

    private static readonly long[] RewardCosts = [10, 25, 60];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Random_ledger_work_with_repeats_and_races_keeps_every_balance_equal_to_its_entries_and_to_the_model(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["RateLimiting:PermitsPerWindow"] = "1000000" }, schedulerHeld: true);
        var seeds = Environment.GetEnvironmentVariable("LOYALTY_LEDGER_MODEL_SEED") is { Length: > 0 } replay ? [int.Parse(replay, System.Globalization.CultureInfo.InvariantCulture)] : Seeds;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var requests = 0;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var seed in seeds)
        {
            var seedStarted = System.Diagnostics.Stopwatch.StartNew();
            var run = await Run.StartAsync(host, seed);
            try
            {
                await run.ExecuteAsync(Steps);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Seed {seed} failed at step {run.Step} (replay with LOYALTY_LEDGER_MODEL_SEED={seed}).\nLast steps:\n{string.Join("\n", run.Log.TakeLast(12))}\n{failure}");
            }

            output.WriteLine($"seed {seed}: {Steps} steps, {run.Requests} requests, {seedStarted.Elapsed.TotalSeconds:F1} s; slowest: {string.Join("; ", run.Slowest.OrderByDescending(s => s.Took).Take(3).Select(s => $"{s.Took.TotalSeconds:F1} s {s.Step}"))}");
            requests += run.Requests;
            foreach (var (kind, count) in run.Counts)
            {
                counts[kind] = counts.GetValueOrDefault(kind) + count;
            }
        }

        output.WriteLine($"{provider}: seeds {string.Join(", ", seeds)}, {seeds.Length * Steps} steps, {requests} requests in {started.Elapsed.TotalSeconds:F1} s; {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
    }

    /// <summary>One seed's program, its members and rewards, the reference model and the random steps.</summary>
    private sealed class Run
    {
        private readonly LoyaltyHost _host;
        private readonly RewardsApi _api;
        private readonly Random _random;
        private readonly List<Guid> _rewards;
        private readonly Dictionary<Guid, List<Lot>> _lots = [];
        private readonly List<Guid> _alive = [];
        private readonly HashSet<string> _transactions = new(StringComparer.Ordinal);
        private readonly List<(Guid Member, Guid Redemption, long Points)> _redemptions = [];
        private readonly HashSet<Guid> _cancelled = [];
        private readonly Dictionary<Guid, Guid> _mergedInto = [];
        private int _adjustments;
        private long _expired;
        private int _next;

        private Run(LoyaltyHost host, RewardsApi api, int seed, List<Guid> rewards)
        {
            _host = host;
            _api = api;
            _random = new Random(seed);
            _rewards = rewards;
        }

        public int Step { get; private set; }

        public int Requests { get; private set; }

        public List<string> Log { get; } = [];

        /// <summary>Each step's duration, checks included, to show where the time goes.</summary>
        public List<(TimeSpan Took, string Step)> Slowest { get; } = [];

        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        private DateTimeOffset Now => _host.Clock.GetUtcNow();

        public static async Task<Run> StartAsync(LoyaltyHost host, int seed)
        {
            var api = await RewardsApi.CreateAsync(host, new { pendingDays = 0, expiryPolicy = "RollingMonths", expiryMonths = ExpiryMonths });
            var rewards = new List<Guid>();
            foreach (var cost in RewardCosts)
            {
                rewards.Add((await api.CreateRewardAsync(new { name = $"{cost} points off", pointsCost = cost, value = cost })).Id);
            }

            var run = new Run(host, api, seed, rewards);
            for (var i = 0; i < 4; i++)
            {
                await run.EnrollAsync();
            }

            return run;
        }

        public async Task ExecuteAsync(int steps)
        {
            for (Step = 1; Step <= steps; Step++)
            {
                var roll = _random.Next(100);
                var stepStarted = System.Diagnostics.Stopwatch.StartNew();
                var touched = roll switch
                {
                    < 28 => await AccrueAsync(Pick()),
                    < 46 => await RedeemAsync(Pick()),
                    < 54 => await CancelAsync(),
                    < 68 => await AdjustAsync(Pick()),
                    < 76 => await ExpireAsync(),
                    < 83 => await MergeAsync(),
                    < 88 => [await EnrollAsync()],
                    < 94 => await RaceRedemptionsAsync(Pick()),
                    _ => await ConcurrentAccrualsAsync(),
                };
                foreach (var member in touched.Distinct())
                {
                    await CheckBalanceAsync(member);
                }

                if (Step % 10 == 0 || Step == steps)
                {
                    await CheckEverythingAsync();
                }

                Slowest.Add((stepStarted.Elapsed, Log[^1]));
            }
        }

        private Guid Pick() => _alive[_random.Next(_alive.Count)];

        private bool Repeat => _random.Next(4) == 0;

        private void Count(string kind) => Counts[kind] = Counts.GetValueOrDefault(kind) + 1;

        private long Available(Guid member) => _lots[member].Sum(l => l.Remaining);

        private async Task<Guid> EnrollAsync()
        {
            var member = await _api.Members.EnrollAsync($"model-{Guid.NewGuid():N}");
            Requests++;
            _lots[member] = [];
            _alive.Add(member);
            Log.Add($"{Step}: enrol {member}");
            Count("enrolments");
            return member;
        }

        /// <summary>A purchase of whole euros (one point each), sometimes sent twice, in a row or at the same time.</summary>
        private async Task<Guid[]> AccrueAsync(Guid member)
        {
            var externalId = $"T-{++_next}";
            var euros = _random.Next(1, 80);
            var body = Json(new { externalId, memberId = member, occurredAt = Now, currency = "EUR", total = euros * 100, channel = "pos" });
            var answers = await SendAsync(_api.Pos, HttpMethod.Post, _api.Members.Transactions, body, Repeat ? _random.Next(1, 3) : 0);
            Expect(answers, [HttpStatusCode.Created], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"purchase {externalId}");
            _lots[member].Add(new Lot(Now.AddMonths(ExpiryMonths), euros));
            _transactions.Add(externalId);
            Log.Add($"{Step}: purchase {externalId} of {euros} for {member} x{answers.Count}");
            Count("purchases");
            return [member];
        }

        /// <summary>A reward redeemed with an external id; refused when the model says the points are short.</summary>
        private async Task<Guid[]> RedeemAsync(Guid member)
        {
            var index = _random.Next(_rewards.Count);
            var cost = RewardCosts[index];
            var externalId = $"O-{++_next}";
            var body = Json(new { rewardId = _rewards[index], externalId });
            var answers = await SendAsync(_api.Pos, HttpMethod.Post, _api.RedemptionsOf(member), body, Repeat ? _random.Next(1, 3) : 0);
            if (Available(member) >= cost)
            {
                Expect(answers, [HttpStatusCode.Created], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"redemption {externalId}");
                Spend(member, cost);
                _redemptions.Add((member, (Guid)JsonNode.Parse(answers[0].Body)!["id"]!, cost));
                Count("redemptions");
            }
            else
            {
                Expect(answers, [HttpStatusCode.UnprocessableEntity], [HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict], $"redemption {externalId} beyond the balance");
                Count("refused redemptions");
            }

            Log.Add($"{Step}: redeem {cost} as {externalId} for {member} ({answers[0].Status}) x{answers.Count}");
            return [member];
        }

        /// <summary>Several redemptions of one reward by one member at once, each with its own external id: only what the balance covers succeeds.</summary>
        private async Task<Guid[]> RaceRedemptionsAsync(Guid member)
        {
            var index = _random.Next(_rewards.Count);
            var cost = RewardCosts[index];
            var tries = _random.Next(2, 5);
            var sends = Enumerable.Range(0, tries).Select(_ => Json(new { rewardId = _rewards[index], externalId = $"O-{++_next}" })).ToList();
            var answers = await Task.WhenAll(sends.Select(body => SendOnceAsync(_api.Pos, HttpMethod.Post, _api.RedemptionsOf(member), body, Guid.NewGuid().ToString())));
            var expected = (int)Math.Min(tries, Available(member) / cost);
            var succeeded = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
            Assert.True(succeeded.Count == expected, $"{tries} racing redemptions of {cost} with {Available(member)} points: {succeeded.Count} succeeded, the model says {expected}; answers {string.Join(", ", answers.Select(a => (int)a.Status))}");
            Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.UnprocessableEntity, a.Status));
            foreach (var answer in succeeded)
            {
                Spend(member, cost);
                _redemptions.Add((member, (Guid)JsonNode.Parse(answer.Body)!["id"]!, cost));
            }

            Log.Add($"{Step}: race {tries} redemptions of {cost} for {member}: {succeeded.Count} won");
            Count("racing redemptions");
            return [member];
        }

        /// <summary>Cancels a redemption (its voucher unused): the points come back as a new lot earned now; a repeat changes nothing.</summary>
        private async Task<Guid[]> CancelAsync()
        {
            var open = _redemptions.Where(r => !_cancelled.Contains(r.Redemption)).ToList();
            if (open.Count == 0)
            {
                return await AccrueAsync(Pick());
            }

            var (member, redemption, points) = open[_random.Next(open.Count)];
            var owner = Owner(member);
            var answers = await SendAsync(_api.Pos, HttpMethod.Post, $"{_api.Redemption(redemption)}/cancel", Json(new { }), Repeat ? _random.Next(1, 3) : 0);
            Expect(answers, [HttpStatusCode.OK], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"cancel {redemption}");
            _cancelled.Add(redemption);
            _lots[owner].Add(new Lot(Now.AddMonths(ExpiryMonths), points));
            Log.Add($"{Step}: cancel {redemption} ({points}) of {member}, now {owner} x{answers.Count}");
            Count("cancellations");
            return [owner];
        }

        /// <summary>A correction by staff, up or down; a debit beyond the balance is refused. Only the Idempotency-Key protects a repeat.</summary>
        private async Task<Guid[]> AdjustAsync(Guid member)
        {
            var points = _random.Next(2) == 0 ? _random.Next(1, 50) : -_random.Next(1, (int)Math.Max(2, Available(member) * 3 / 2 + 2));
            var answers = await SendAsync(_api.Admin, HttpMethod.Post, $"{_api.Members.Members}/{member}/adjustments", Json(new { points, reason = "model test" }), Repeat ? _random.Next(1, 3) : 0);
            if (points > 0)
            {
                Expect(answers, [HttpStatusCode.OK], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"adjustment {points}");
                _lots[member].Add(new Lot(Now.AddMonths(ExpiryMonths), points));
                _adjustments++;
                Count("credits");
            }
            else if (Available(member) >= -points)
            {
                Expect(answers, [HttpStatusCode.OK], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"adjustment {points}");
                Spend(member, -points);
                _adjustments++;
                Count("debits");
            }
            else
            {
                Expect(answers, [HttpStatusCode.UnprocessableEntity], [HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict], $"adjustment {points} beyond the balance");
                Count("refused debits");
            }

            Log.Add($"{Step}: adjust {points} for {member} ({answers[0].Status}) x{answers.Count}");
            return [member];
        }

        /// <summary>Time passes (days, and some minutes so that no lot expires exactly at the step) and the expiry job runs, twice.</summary>
        private async Task<Guid[]> ExpireAsync()
        {
            _host.Clock.Advance(TimeSpan.FromDays(_random.Next(1, 15)) + TimeSpan.FromMinutes(_random.Next(1, 600)));
            await _host.RunJobAsync("members", "ExpireDuePointsJob");
            await _host.RunJobAsync("members", "ExpireDuePointsJob");
            foreach (var lots in _lots.Values)
            {
                foreach (var lot in lots.Where(l => l.ExpiresAt <= Now))
                {
                    _expired += lot.Remaining;
                    lot.Remaining = 0;
                }

                lots.RemoveAll(l => l.ExpiresAt <= Now);
            }

            Log.Add($"{Step}: clock to {Now:O}, expiry run");
            Count("expiry runs");
            return [.. _alive];
        }

        /// <summary>Merges one member into another: the lots move with their expiry; a repeat answers the merge.</summary>
        private async Task<Guid[]> MergeAsync()
        {
            if (_alive.Count < 3)
            {
                return [await EnrollAsync()];
            }

            var survivor = Pick();
            var duplicate = _alive.Where(m => m != survivor).ElementAt(_random.Next(_alive.Count - 1));
            var answers = await SendAsync(_api.Admin, HttpMethod.Post, $"{_api.Members.Members}/{survivor}/merges", Json(new { duplicateId = duplicate, reason = "model test" }), Repeat ? _random.Next(1, 3) : 0);
            Expect(answers, [HttpStatusCode.OK], [HttpStatusCode.OK, HttpStatusCode.Conflict], $"merge {duplicate} into {survivor}");
            _lots[survivor].AddRange(_lots[duplicate]);
            _lots[duplicate] = [];
            _alive.Remove(duplicate);
            _mergedInto[duplicate] = survivor;
            Log.Add($"{Step}: merge {duplicate} into {survivor} x{answers.Count}");
            Count("merges");
            return [survivor, duplicate];
        }

        /// <summary>Purchases of different members at the same time.</summary>
        private async Task<Guid[]> ConcurrentAccrualsAsync()
        {
            var members = _alive.OrderBy(_ => _random.Next()).Take(3).ToList();
            var sends = members.Select(m => (Member: m, ExternalId: $"T-{++_next}", Euros: _random.Next(1, 80))).ToList();
            var answers = await Task.WhenAll(sends.Select(s => SendOnceAsync(_api.Pos, HttpMethod.Post, _api.Members.Transactions,
                Json(new { externalId = s.ExternalId, memberId = s.Member, occurredAt = Now, currency = "EUR", total = s.Euros * 100, channel = "pos" }), Guid.NewGuid().ToString())));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
            foreach (var (member, externalId, euros) in sends)
            {
                _lots[member].Add(new Lot(Now.AddMonths(ExpiryMonths), euros));
                _transactions.Add(externalId);
            }

            Log.Add($"{Step}: concurrent purchases for {string.Join(", ", members)}");
            Count("concurrent purchases");
            return [.. members];
        }

        private Guid Owner(Guid member) => _mergedInto.TryGetValue(member, out var survivor) ? Owner(survivor) : member;

        /// <summary>Takes points from the lots that expire first, as the ledger does.</summary>
        private void Spend(Guid member, long points)
        {
            foreach (var lot in _lots[member].OrderBy(l => l.ExpiresAt))
            {
                var taken = Math.Min(lot.Remaining, points);
                lot.Remaining -= taken;
                points -= taken;
            }

            Assert.Equal(0, points);
            _lots[member].RemoveAll(l => l.Remaining == 0);
        }

        private async Task CheckBalanceAsync(Guid member)
        {
            if (!_alive.Contains(member))
            {
                return;
            }

            var balance = await _api.Members.PointsAsync(member);
            Requests++;
            Assert.True(balance.Available >= 0, $"{member} has a negative balance: {balance.Available}");
            Assert.True(balance == new MembersApi.Balance("points", Available(member), 0), $"{member}: the API says {balance}, the model {Available(member)}");
        }

        /// <summary>Every member's ledger adds up to their balance; each purchase is accrued once; the check-ledger logic finds nothing.</summary>
        private async Task CheckEverythingAsync()
        {
            var accruals = new Dictionary<string, int>(StringComparer.Ordinal);
            var types = new Dictionary<string, int>(StringComparer.Ordinal);
            long expired = 0;
            foreach (var member in _alive)
            {
                var entries = await LedgerAsync(member);
                var balance = await _api.Members.PointsAsync(member);
                Requests++;
                Assert.True(entries.Sum(e => e.Points) == balance.Available, $"{member}: entries sum to {entries.Sum(e => e.Points)}, the balance is {balance.Available}");
                Assert.Equal(Available(member), balance.Available);
                foreach (var entry in entries)
                {
                    types[entry.Type] = types.GetValueOrDefault(entry.Type) + 1;
                    if (entry.Type == "Accrual")
                    {
                        accruals[entry.ReferenceId] = accruals.GetValueOrDefault(entry.ReferenceId) + 1;
                    }
                    else if (entry.Type == "Expiry")
                    {
                        expired -= entry.Points;
                    }
                }
            }

            var twice = accruals.Where(a => a.Value != 1).Select(a => a.Key).ToList();
            Assert.True(twice.Count == 0, "accrued more than once: " + string.Join(", ", twice));
            Assert.Equal(_transactions.Order(StringComparer.Ordinal), accruals.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(_redemptions.Count, types.GetValueOrDefault("Redemption"));
            Assert.Equal(_cancelled.Count, types.GetValueOrDefault("Refund"));
            Assert.Equal(_adjustments, types.GetValueOrDefault("Adjustment"));
            Assert.Equal(_expired, expired);
            var mismatches = await _api.Admin.GetFromJsonAsync<List<JsonNode>>($"/api/members/programs/{_api.Members.Program}/ledger-check");
            Requests++;
            Assert.True(mismatches!.Count == 0, "check-ledger: " + string.Join("; ", mismatches.Select(m => m.ToJsonString())));
        }

        private async Task<List<Entry>> LedgerAsync(Guid member)
        {
            var entries = new List<Entry>();
            Guid? before = null;
            do
            {
                var page = await _api.Admin.GetFromJsonAsync<Page>($"{_api.Members.Members}/{member}/ledger?limit=100" + (before is null ? "" : $"&before={before}"));
                Requests++;
                entries.AddRange(page!.Items.Where(e => e.Currency == "points"));
                before = page.Next;
            }
            while (before is not null);

            return entries;
        }

        /// <summary>
        /// Sends a request, plus <paramref name="repeats"/> copies with the same Idempotency-Key and bytes: at the same
        /// time (one in two) or one after another. The first answer to arrive first is first in the list.
        /// </summary>
        private async Task<List<Answer>> SendAsync(HttpClient client, HttpMethod method, string path, string body, int repeats)
        {
            var key = Guid.NewGuid().ToString();
            if (repeats > 0 && _random.Next(2) == 0)
            {
                var all = await Task.WhenAll(Enumerable.Range(0, repeats + 1).Select(_ => SendOnceAsync(client, method, path, body, key)));
                // Whichever carried the change is the one answered 2xx without being a replay; order the rest after it.
                return [.. all.OrderByDescending(a => a.Status == HttpStatusCode.Created).ThenBy(a => a.Replayed).ThenBy(a => a.Status == HttpStatusCode.Conflict)];
            }

            var answers = new List<Answer> { await SendOnceAsync(client, method, path, body, key) };
            for (var i = 0; i < repeats; i++)
            {
                answers.Add(await SendOnceAsync(client, method, path, body, key));
            }

            return answers;
        }

        private async Task<Answer> SendOnceAsync(HttpClient client, HttpMethod method, string path, string body, string key)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            Requests++;
            Assert.True((int)response.StatusCode < 500, $"{method} {path} {body} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return new Answer(response.StatusCode, response.Headers.Contains("Idempotent-Replayed"), await response.Content.ReadAsStringAsync());
        }

        /// <summary>The first answer is <paramref name="first"/>; the repeats are replays or the first's answer, or 409 while it was in progress.</summary>
        private static void Expect(List<Answer> answers, HttpStatusCode[] first, HttpStatusCode[] repeats, string what)
        {
            Assert.True(first.Contains(answers[0].Status), $"{what}: {(int)answers[0].Status} {answers[0].Body}");
            foreach (var repeat in answers.Skip(1))
            {
                Assert.True(repeats.Contains(repeat.Status) || repeat.Status == answers[0].Status, $"{what}, repeated: {(int)repeat.Status} {repeat.Body}");
            }
        }

        private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
    }

    private sealed class Lot(DateTimeOffset expiresAt, long points)
    {
        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public long Remaining { get; set; } = points;
    }

    private sealed record Answer(HttpStatusCode Status, bool Replayed, string Body);

    private sealed record Page(List<Entry> Items, Guid? Next);

    private sealed record Entry(string Currency, string Type, long Points, string ReferenceId);
}
