using System.Net;
using System.Net.Http.Json;
using Loyalty.Rewards.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Rewards;

public sealed class VoucherIssuerTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Another_module_issues_a_template_voucher_once_per_reference_even_when_it_sends_it_concurrently(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var template = await api.CreateRewardAsync(new { stock = 5, voucherValidDays = 10, codeFormat = new { prefix = "GIFT-" } });
        var member = await api.MemberWithPointsAsync("shop-1", 0);
        const string reference = "purchase:0193a5d2-7c1e-7b3a-9f00-5e1d2c3b4a59:rule:0193a5d2-0000-7000-8000-000000000001:3";

        var issues = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => IssueAsync(host, api, member, template.Id, reference)));

        Assert.Single(issues, i => i.Outcome == VoucherIssueOutcome.Issued);
        Assert.All(issues, i => Assert.True(i.Outcome is VoucherIssueOutcome.Issued or VoucherIssueOutcome.AlreadyIssued, i.Outcome.ToString()));
        Assert.Single(issues.Select(i => i.VoucherId).Distinct());
        var issued = issues.Single(i => i.Outcome == VoucherIssueOutcome.Issued);
        Assert.StartsWith("GIFT-", issued.Code, StringComparison.Ordinal);
        Assert.All(issues, i => Assert.Equal(issued.Code, i.Code));
        Assert.Equal(host.Clock.GetUtcNow().AddDays(10), issued.ExpiresAt);
        var check = await api.Pos.PostAsJsonAsync($"{api.Vouchers}/validate", new { code = issued.Code, memberId = member, basketTotal = 1000 });
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(5, await api.StockAsync(template.Id));
        Assert.Equal(0, await api.PointsAsync(member));
        Assert.Equal(1, await WithRewardsDbAsync(host, db => db.OutboxMessages.CountAsync(m => m.EventType.Contains("VoucherIssued"))));
        var other = await IssueAsync(host, api, member, template.Id, reference.Replace(":3", ":4", StringComparison.Ordinal));
        Assert.Equal(VoucherIssueOutcome.Issued, other.Outcome);
        Assert.NotEqual(issued.VoucherId, other.VoucherId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_hashed_template_gives_the_code_only_in_the_first_answer_and_bad_templates_or_members_issue_nothing(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await RewardsApi.CreateAsync(host);
        var hashed = await api.CreateRewardAsync(new { codeFormat = new { length = 14, hashOnly = true } });
        var physical = await api.CreateRewardAsync(new { kind = "physicalItem", value = (long?)null });
        var member = await api.MemberWithPointsAsync("shop-1", 0);

        var first = await IssueAsync(host, api, member, hashed.Id, "grant-1");
        var repeat = await IssueAsync(host, api, member, hashed.Id, "grant-1");
        var unknownTemplate = await IssueAsync(host, api, member, Guid.NewGuid(), "grant-2");
        var notAVoucher = await IssueAsync(host, api, member, physical.Id, "grant-3");
        var unknownMember = await IssueAsync(host, api, Guid.NewGuid(), hashed.Id, "grant-4");

        Assert.Equal(VoucherIssueOutcome.Issued, first.Outcome);
        Assert.NotNull(first.Code);
        Assert.Equal(VoucherIssueOutcome.AlreadyIssued, repeat.Outcome);
        Assert.Equal(first.VoucherId, repeat.VoucherId);
        Assert.Null(repeat.Code);
        Assert.Equal(VoucherIssueOutcome.UnknownTemplate, unknownTemplate.Outcome);
        Assert.Equal(VoucherIssueOutcome.TemplateNotIssuable, notAVoucher.Outcome);
        Assert.Equal(VoucherIssueOutcome.UnknownMember, unknownMember.Outcome);
        Assert.Equal(1, await WithRewardsDbAsync(host, db => db.OutboxMessages.CountAsync(m => m.EventType.Contains("VoucherIssued"))));
    }

    private static async Task<VoucherIssue> IssueAsync(LoyaltyHost host, RewardsApi api, Guid member, Guid template, string reference)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IVoucherIssuer>().IssueAsync(api.Members.Program, member, template, reference, CancellationToken.None);
    }

    private static async Task<T> WithRewardsDbAsync<T>(LoyaltyHost host, Func<ModuleDbContext, Task<T>> query)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await query(LoyaltyHost.ModuleContext(scope.ServiceProvider, "rewards"));
    }
}
