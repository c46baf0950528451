using Loyalty.Campaigns.Contracts;

namespace Loyalty.Members.Transactions;

/// <summary>
/// The program's base rate (<see cref="BaseRate"/>), for as long as no earning rules decide. A tier's multiplier is the
/// rules' to apply.
/// </summary>
internal sealed class BaseRateEarning : IEarningEngine
{
    public Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(BaseRate.Decide(request.Program, request.Purchase));
}
