using System.Net;
using System.Net.Http.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Campaigns;

public sealed class ReferralTests
{
    private static readonly string[] SameIp = ["sameIp"];

    private static readonly string[] PaymentFingerprintOnly = ["paymentFingerprint"];

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_first_purchase_inside_the_window_credits_the_referrer_and_the_referred_member_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Thanks for referring", trigger = "referralCompleted", effects = new { fixedPoints = 500 } });
        await ActiveRuleAsync(marketer, api, new { name = "Welcome, friend", trigger = "referredCompleted", effects = new { fixedPoints = 200 } });
        var referrer = await api.EnrollAsync("m-1");
        await host.DeliverMembersEventsAsync();
        var mine = await ReferralsAsync(marketer, api, referrer);
        Assert.Matches("^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$", mine.Code);
        Assert.Equal($"https://shop.example/join?ref={mine.Code}", mine.Link);
        Assert.Equal(mine.Code, (await ReferralsAsync(marketer, api, referrer)).Code);

        // Entered with a dash and in lower case, as people type it.
        var referred = await EnrollAsync(api, "m-2", mine.Code[..4].ToLowerInvariant() + "-" + mine.Code[4..]);
        await host.DeliverMembersEventsAsync();
        var pending = Assert.Single((await ReferralsAsync(marketer, api, referrer)).Referrals);
        Assert.Equal((referred, "pending"), (pending.ReferredId, pending.Status));
        Assert.Equal(pending.CreatedAt.AddDays(30), pending.CompleteBy);

        host.Clock.Advance(TimeSpan.FromDays(29));
        (await api.PurchaseAsync("T-1", referred, 1_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
        // A second purchase is another PointsAccrued for the referred member: it completes nothing again.
        (await api.PurchaseAsync("T-2", referred, 1_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");

        Assert.Equal(500, (await api.PointsAsync(referrer)).Available);
        Assert.Equal(10 + 200 + 10, (await api.PointsAsync(referred)).Available);
        var completed = Assert.Single((await ReferralsAsync(marketer, api, referrer)).Referrals);
        Assert.Equal("completed", completed.Status);
        var activity = await marketer.GetFromJsonAsync<Activity>($"/api/campaigns/programs/{api.Program}/activities/referral:{completed.Id:N}:referrer");
        Assert.Equal(("referralCompleted", 500L), (activity!.Type, activity.Points));

        // The activities' external ids make a replay credit nothing twice.
        var replay = await api.Pos.PostAsJsonAsync($"/api/campaigns/programs/{api.Program}/activities",
            new { externalId = $"referral:{completed.Id:N}:referred", memberId = referred, type = "referredCompleted", occurredAt = activity.OccurredAt });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(220, (await api.PointsAsync(referred)).Available);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_first_purchase_after_the_window_expires_the_referral_and_credits_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Thanks for referring", trigger = "referralCompleted", effects = new { fixedPoints = 500 } });
        await ActiveRuleAsync(marketer, api, new { name = "Welcome, friend", trigger = "referredCompleted", effects = new { fixedPoints = 200 } });
        var referrer = await api.EnrollAsync("m-1");
        await host.DeliverMembersEventsAsync();
        var code = (await ReferralsAsync(marketer, api, referrer)).Code;
        var late = await EnrollAsync(api, "m-2", code);
        var never = await EnrollAsync(api, "m-3", code);
        await host.DeliverMembersEventsAsync();

        host.Clock.Advance(TimeSpan.FromDays(31));
        (await api.PurchaseAsync("T-1", late, 1_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");

        Assert.Equal(0, (await api.PointsAsync(referrer)).Available);
        Assert.Equal(10, (await api.PointsAsync(late)).Available);
        var referrals = (await ReferralsAsync(marketer, api, referrer)).Referrals;
        // Both enrolled at the same instant: compare regardless of order.
        Assert.Equal(new[] { (late, "expired"), (never, "expired") }.OrderBy(r => r.Item1), referrals.Select(r => (r.ReferredId, r.Status)).OrderBy(r => r.Item1));
        var listed = await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals?status=expired");
        Assert.Equal(2, listed!.Count);
        var bad = await marketer.GetAsync($"/api/campaigns/programs/{api.Program}/referrals?status=done");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Abuse_is_refused_with_its_reason_and_an_unknown_code_records_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider, new Dictionary<string, string?> { ["Referrals:MonthlyCapPerReferrer"] = "2" });
        var (api, marketer) = await ProgramAsync(host);
        await ActiveRuleAsync(marketer, api, new { name = "Thanks for referring", trigger = "referralCompleted", effects = new { fixedPoints = 500 } });
        var referrer = await api.EnrollAsync("m-1");
        var suspended = await api.EnrollAsync("m-2");
        await host.DeliverMembersEventsAsync();
        var code = (await ReferralsAsync(marketer, api, referrer)).Code;
        var suspendedCode = (await ReferralsAsync(marketer, api, suspended)).Code;

        var unknown = await EnrollAsync(api, "m-3", "ZZZZ2222");
        var phoned = await EnrollAsync(api, "m-10", null, phone: "+49 170 1234567");
        await host.DeliverMembersEventsAsync();
        var samePhone = await EnrollAsync(api, "m-9", (await ReferralsAsync(marketer, api, phoned)).Code, phone: "+49-170-1234567");
        var first = await EnrollAsync(api, "m-4", code);
        await EnrollAsync(api, "m-5", code);
        var overCap = await EnrollAsync(api, "m-6", code);
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{suspended}/status", new { status = "suspended", reason = "fraud check" })).EnsureSuccessStatusCode();
        var ofSuspended = await EnrollAsync(api, "m-7", suspendedCode);
        await host.DeliverMembersEventsAsync();

        var all = await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals");
        Assert.DoesNotContain(all!, r => r.ReferredId == unknown);
        Assert.Equal(("refused", "monthlyCap"), Reason(all!, overCap));
        Assert.Equal(("refused", "sameContact"), Reason(all!, samePhone));
        Assert.Equal(("refused", "referrerNotActive"), Reason(all!, ofSuspended));
        Assert.Equal(("pending", null), Reason(all!, first));

        // The referrer is suspended before the referred member's first purchase: refused at completion, nothing credited.
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{referrer}/status", new { status = "suspended", reason = "fraud check" })).EnsureSuccessStatusCode();
        (await api.PurchaseAsync("T-1", first, 1_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");
        all = await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals");
        Assert.Equal(("refused", "referrerNotActive"), Reason(all!, first));
        Assert.Equal(0, (await api.PointsAsync(referrer)).Available);

        // A new month: the cap counts again.
        host.Clock.Advance(TimeSpan.FromDays(31));
        (await api.Admin.PostAsJsonAsync($"{api.Members}/{referrer}/status", new { status = "active", reason = "cleared" })).EnsureSuccessStatusCode();
        var nextMonth = await EnrollAsync(api, "m-8", code);
        await host.DeliverMembersEventsAsync();
        all = await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals");
        Assert.Equal(("pending", null), Reason(all!, nextMonth));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_programs_referral_settings_set_window_cap_and_checks_and_a_shared_payment_fingerprint_refuses_the_referral(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var (api, marketer) = await ProgramAsync(host);
        var settings = $"/api/campaigns/programs/{api.Program}/referral-settings";
        var defaults = (await marketer.GetFromJsonAsync<Settings>(settings))!;
        Assert.Equal((30, 10), (defaults.CompletionWindowDays, defaults.MonthlyCapPerReferrer));
        Assert.Equal(["sameContact", "paymentFingerprint"], defaults.Checks);
        var bad = await marketer.PutAsJsonAsync(settings, new { completionWindowDays = 0, monthlyCapPerReferrer = 2, checks = SameIp });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["checks", "completionWindowDays"], (await bad.Content.ReadFromJsonAsync<ValidationProblem>())!.Errors.Keys.Order());
        var put = await marketer.PutAsJsonAsync(settings, new { completionWindowDays = 10, monthlyCapPerReferrer = 2, checks = PaymentFingerprintOnly });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(["paymentFingerprint"], (await marketer.GetFromJsonAsync<Settings>(settings))!.Checks);
        await ActiveRuleAsync(marketer, api, new { name = "Thanks for referring", trigger = "referralCompleted", effects = new { fixedPoints = 500 } });

        var referrer = await EnrollAsync(api, "m-1", null, phone: "+49 170 1234567");
        await host.DeliverMembersEventsAsync();
        Assert.Equal(HttpStatusCode.Created, (await PayAsync(api, "T-0", referrer, host.Clock.GetUtcNow(), "card-token-A")).StatusCode);
        var code = (await ReferralsAsync(marketer, api, referrer)).Code;
        // The same phone: with sameContact switched off, the referral stands until the purchase.
        var sameCard = await EnrollAsync(api, "m-2", code, phone: "+49 170 1234567");
        var otherCard = await EnrollAsync(api, "m-3", code);
        var overCap = await EnrollAsync(api, "m-4", code);
        await host.DeliverMembersEventsAsync();
        var all = (await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals"))!;
        Assert.Equal(("pending", null), Reason(all, sameCard));
        Assert.Equal(("refused", "monthlyCap"), Reason(all, overCap));
        var pending = Assert.Single(all, r => r.ReferredId == sameCard);
        Assert.Equal(pending.CreatedAt.AddDays(10), pending.CompleteBy);

        Assert.Equal(HttpStatusCode.Created, (await PayAsync(api, "T-1", sameCard, host.Clock.GetUtcNow(), "card-token-A")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PayAsync(api, "T-2", otherCard, host.Clock.GetUtcNow(), "card-token-B")).StatusCode);
        await host.DeliverMembersEventsAsync();
        await host.RunJobAsync("campaigns", "RecordPendingActivitiesJob");

        all = (await marketer.GetFromJsonAsync<List<Referral>>($"/api/campaigns/programs/{api.Program}/referrals"))!;
        Assert.Equal(("refused", "samePaymentFingerprint"), Reason(all, sameCard));
        Assert.Equal(("completed", null), Reason(all, otherCard));
        Assert.Equal(10 + 500, (await api.PointsAsync(referrer)).Available);
        Assert.Equal(HttpStatusCode.BadRequest, (await PayAsync(api, "T-3", otherCard, host.Clock.GetUtcNow(), new string('x', 201))).StatusCode);
    }

    private static Task<HttpResponseMessage> PayAsync(MembersApi api, string externalId, Guid member, DateTimeOffset occurredAt, string paymentFingerprint) =>
        api.Pos.PostAsJsonAsync(api.Transactions, new { externalId, memberId = member, occurredAt, currency = "EUR", total = 1_000, channel = "pos", lines = Array.Empty<object>(), paymentFingerprint });

    private static (string Status, string? Reason) Reason(List<Referral> referrals, Guid referred)
    {
        var referral = Assert.Single(referrals, r => r.ReferredId == referred);
        return (referral.Status, referral.Reason);
    }

    private static async Task<Guid> EnrollAsync(MembersApi api, string externalId, string? referralCode, string? phone = null)
    {
        var response = await api.Pos.PostAsJsonAsync(api.Members, new { externalId, firstName = "Ada", channel = "web", referralCode, phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Created>())!.Id;
    }

    private static async Task<MemberReferrals> ReferralsAsync(HttpClient marketer, MembersApi api, Guid member) =>
        (await marketer.GetFromJsonAsync<MemberReferrals>($"/api/campaigns/programs/{api.Program}/members/{member}/referrals"))!;

    private static async Task<(MembersApi Api, HttpClient Marketer)> ProgramAsync(LoyaltyHost host)
    {
        var api = await MembersApi.CreateAsync(host, new { pointsPerCurrencyUnit = 1 });
        return (api, await host.ApiKeyClientAsync(Roles.Marketer));
    }

    private static async Task ActiveRuleAsync(HttpClient marketer, MembersApi api, object rule)
    {
        var rules = $"/api/campaigns/programs/{api.Program}/earning-rules";
        var created = await marketer.PostAsJsonAsync(rules, rule);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<Created>())!.Id;
        (await marketer.PostAsync($"{rules}/{id}/activate", null)).EnsureSuccessStatusCode();
    }

    private sealed record Created(Guid Id);

    private sealed record Settings(int CompletionWindowDays, int MonthlyCapPerReferrer, List<string> Checks);

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);

    private sealed record Activity(string ExternalId, string Type, DateTimeOffset OccurredAt, long Points);

    private sealed record Referral(Guid Id, Guid ReferrerId, Guid ReferredId, string Status, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset CompleteBy);

    private sealed record MemberReferrals(Guid MemberId, string Code, string Link, List<Referral> Referrals);
}
