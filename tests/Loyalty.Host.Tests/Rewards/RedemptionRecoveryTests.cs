using System.Net;
using System.Net.Http.Json;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Rewards;

/// <summary>
/// A redemption whose process dies between its two steps (the Rewards reservation and the Members debit) is finished
/// by the recovery job: completed if the debit happened, undone if it did not, and never both.
/// </summary>
public sealed class RedemptionRecoveryTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_crash_before_the_debit_is_undone_by_the_recovery_job_and_a_late_debit_is_refused(DatabaseProvider provider)
    {
        var crash = new CrashSwitch();
        await using var host = await StartAsync(provider, crash);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { stock = 3, limitLifetime = 1 });
        var member = await api.MemberWithPointsAsync("shop-1", 1000);

        crash.BeforeDebit = true;
        await CrashesAsync(() => api.RedeemAsync(member, reward.Id, "order-1"));
        crash.BeforeDebit = false;
        Assert.Equal(2, await api.StockAsync(reward.Id));

        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");
        Assert.Equal(2, await api.StockAsync(reward.Id)); // too fresh: the request may still be running
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");

        Assert.Equal(3, await api.StockAsync(reward.Id));
        Assert.Equal(1000, await api.PointsAsync(member));
        var redemption = Assert.Single((await api.Pos.GetFromJsonAsync<List<RewardsApi.RedemptionView>>(api.RedemptionsOf(member)))!);
        Assert.Equal("failed", redemption.Status);
        var repeat = await api.RedeemAsync(member, reward.Id, "order-1");
        Assert.Equal("urn:loyalty:rewards:redemption-interrupted", (await repeat.Content.ReadFromJsonAsync<RewardsApi.Problem>())!.Type);
        var lateDebit = await WithPointsAsync(host, p => p.DebitAsync(api.Members.Program, member, 500, redemption.Id.ToString(), CancellationToken.None));
        Assert.Equal(PointsDebitOutcome.Voided, lateDebit.Outcome);
        // The limit was released with the reservation.
        Assert.Equal(HttpStatusCode.Created, (await api.RedeemAsync(member, reward.Id, "order-2")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_crash_after_the_debit_is_completed_by_the_recovery_job_with_its_voucher(DatabaseProvider provider)
    {
        var crash = new CrashSwitch();
        await using var host = await StartAsync(provider, crash);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { stock = 3 });
        var member = await api.MemberWithPointsAsync("shop-1", 1000);

        crash.AfterDebit = true;
        await CrashesAsync(() => api.RedeemAsync(member, reward.Id, "order-1"));
        crash.AfterDebit = false;
        Assert.Equal(500, await api.PointsAsync(member));

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");

        var repeat = await api.RedeemAsync(member, reward.Id, "order-1");
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        var redemption = (await repeat.Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!;
        Assert.Equal("completed", redemption.Status);
        Assert.NotNull(redemption.Voucher!.Code);
        Assert.Equal(500, await api.PointsAsync(member));
        Assert.Equal(2, await api.StockAsync(reward.Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_cancellation_interrupted_before_its_refund_gets_the_refund_from_the_recovery_job(DatabaseProvider provider)
    {
        var crash = new CrashSwitch();
        await using var host = await StartAsync(provider, crash);
        var api = await RewardsApi.CreateAsync(host);
        var reward = await api.CreateRewardAsync(new { stock = 3 });
        var member = await api.MemberWithPointsAsync("shop-1", 1000);
        var redemption = (await (await api.RedeemAsync(member, reward.Id, "order-1")).Content.ReadFromJsonAsync<RewardsApi.RedemptionView>())!;

        crash.BeforeRefund = true;
        await CrashesAsync(() => api.Pos.PostAsync($"{api.Redemption(redemption.Id)}/cancel", null));
        crash.BeforeRefund = false;
        Assert.Equal(500, await api.PointsAsync(member));
        Assert.Equal(3, await api.StockAsync(reward.Id));

        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");
        await host.RunJobAsync("rewards", "RecoverInterruptedRedemptionsJob");

        Assert.Equal(1000, await api.PointsAsync(member));
        Assert.Equal("cancelled", (await api.Pos.GetFromJsonAsync<RewardsApi.RedemptionView>(api.Redemption(redemption.Id)))!.Status);
    }

    // The scheduler held: the tests run the recovery job themselves, so the host's own trigger cannot run it beside them.
    private static Task<LoyaltyHost> StartAsync(DatabaseProvider provider, CrashSwitch crash) =>
        LoyaltyHost.StartAsync(provider, schedulerHeld: true, services: services =>
        {
            var real = services.Single(d => d.ServiceType == typeof(IMemberPoints));
            services.Remove(real);
            services.AddScoped<IMemberPoints>(sp => new CrashingMemberPoints((IMemberPoints)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!), crash));
        });

    /// <summary>The request fails with the crash: the host answers 500, or the in-memory server passes the exception on.</summary>
    private static async Task CrashesAsync(Func<Task<HttpResponseMessage>> request)
    {
        try
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await request()).StatusCode);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static async Task<T> WithPointsAsync<T>(LoyaltyHost host, Func<IMemberPoints, Task<T>> call)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<IMemberPoints>());
    }

    private sealed class CrashSwitch
    {
        public volatile bool BeforeDebit;
        public volatile bool AfterDebit;
        public volatile bool BeforeRefund;
    }

    /// <summary>The process dying at a chosen point, as seen from Rewards: the call never returns.</summary>
    private sealed class CrashingMemberPoints(IMemberPoints inner, CrashSwitch crash) : IMemberPoints
    {
        public Task<MemberStanding?> FindStandingAsync(string programCode, Guid memberId, CancellationToken cancellationToken) =>
            inner.FindStandingAsync(programCode, memberId, cancellationToken);

        public async Task<PointsDebitResult> DebitAsync(string programCode, Guid memberId, long points, string reference, CancellationToken cancellationToken)
        {
            if (crash.BeforeDebit)
            {
                throw new InvalidOperationException("crashed before the debit");
            }

            var result = await inner.DebitAsync(programCode, memberId, points, reference, cancellationToken);
            return crash.AfterDebit ? throw new InvalidOperationException("crashed after the debit") : result;
        }

        public Task<long?> FindDebitAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken) =>
            inner.FindDebitAsync(programCode, memberId, reference, cancellationToken);

        public Task<PointsRefundResult> RefundAsync(string programCode, Guid memberId, string reference, CancellationToken cancellationToken) =>
            crash.BeforeRefund ? throw new InvalidOperationException("crashed before the refund") : inner.RefundAsync(programCode, memberId, reference, cancellationToken);
    }
}
