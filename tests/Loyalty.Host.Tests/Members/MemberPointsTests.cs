using Loyalty.Members.Contracts;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests.Members;

/// <summary>The contract other modules spend points through: idempotent on the caller's reference, and void after a give-up.</summary>
public sealed class MemberPointsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_debit_happens_once_per_reference_and_its_refund_gives_the_points_back_once(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 10_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        var first = await WithPointsAsync(host, p => p.DebitAsync(api.Program, member, 30, "R-1", CancellationToken.None));
        var repeat = await WithPointsAsync(host, p => p.DebitAsync(api.Program, member, 30, "R-1", CancellationToken.None));
        var tooMuch = await WithPointsAsync(host, p => p.DebitAsync(api.Program, member, 71, "R-2", CancellationToken.None));
        Assert.Equal(new PointsDebitResult(PointsDebitOutcome.Debited, 70), first);
        Assert.Equal(PointsDebitOutcome.AlreadyDebited, repeat.Outcome);
        Assert.Equal(PointsDebitOutcome.InsufficientPoints, tooMuch.Outcome);
        Assert.Equal(30, await WithPointsAsync(host, p => p.FindDebitAsync(api.Program, member, "R-1", CancellationToken.None)));
        Assert.Null(await WithPointsAsync(host, p => p.FindDebitAsync(api.Program, member, "R-2", CancellationToken.None)));

        var refund = await WithPointsAsync(host, p => p.RefundAsync(api.Program, member, "R-1", CancellationToken.None));
        var refundAgain = await WithPointsAsync(host, p => p.RefundAsync(api.Program, member, "R-1", CancellationToken.None));
        var debitAfterRefund = await WithPointsAsync(host, p => p.DebitAsync(api.Program, member, 30, "R-1", CancellationToken.None));
        Assert.Equal(new PointsRefundResult(PointsRefundOutcome.Refunded, 30), refund);
        Assert.Equal(PointsRefundOutcome.AlreadyRefunded, refundAgain.Outcome);
        Assert.Equal(PointsDebitOutcome.Voided, debitAfterRefund.Outcome);
        Assert.Equal(new MembersApi.Balance("points", 100, 0), await api.PointsAsync(member));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task A_reference_voided_before_its_debit_can_never_be_debited(DatabaseProvider provider)
    {
        await using var host = await LoyaltyHost.StartAsync(provider);
        var api = await MembersApi.CreateAsync(host);
        var member = await api.EnrollAsync("shop-1");
        (await api.PurchaseAsync("T-1", member, 10_000, host.Clock.GetUtcNow())).EnsureSuccessStatusCode();

        var voided = await WithPointsAsync(host, p => p.RefundAsync(api.Program, member, "R-1", CancellationToken.None));
        var lateDebit = await WithPointsAsync(host, p => p.DebitAsync(api.Program, member, 30, "R-1", CancellationToken.None));

        Assert.Equal(PointsRefundOutcome.Voided, voided.Outcome);
        Assert.Equal(PointsDebitOutcome.Voided, lateDebit.Outcome);
        Assert.Equal(new MembersApi.Balance("points", 100, 0), await api.PointsAsync(member));
        var standing = await WithPointsAsync(host, p => p.FindStandingAsync(api.Program, member, CancellationToken.None));
        Assert.Equal(100, standing!.AvailablePoints);
        Assert.True(standing.Active);
    }

    private static async Task<T> WithPointsAsync<T>(LoyaltyHost host, Func<IMemberPoints, Task<T>> call)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<IMemberPoints>());
    }
}
