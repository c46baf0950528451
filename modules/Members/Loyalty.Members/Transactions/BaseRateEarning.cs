using Loyalty.Campaigns.Contracts;

namespace Loyalty.Members.Transactions;

/// <summary>
/// The program's base rate, for as long as no earning rules decide: points per whole currency unit, rounded down,
/// per line or once on the total (then shared out over the lines by amount). A tier's multiplier is the rules' to apply.
/// </summary>
internal sealed class BaseRateEarning : IEarningEngine
{
    public Task<EarningDecision> DecideAsync(EarningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(Decide(request.Program, request.Purchase));

    public static EarningDecision Decide(EarningProgram program, EarningPurchase purchase)
    {
        var lines = purchase.Lines;
        if (program.BaseRateScope == nameof(Programs.BaseRateScope.PerLine) && lines.Count > 0)
        {
            var perLine = lines.Select(l => Points(program, l.AmountMinor)).ToList();
            return new EarningDecision(perLine.Sum(), perLine);
        }

        var total = Points(program, purchase.TotalMinor);
        var lineAmounts = lines.Sum(l => l.AmountMinor);
        var shares = lines.Select(l => lineAmounts == 0 ? 0 : total * l.AmountMinor / lineAmounts).ToList();
        if (shares.Count > 0)
        {
            shares[^1] += total - shares.Sum();
        }

        return new EarningDecision(total, shares);
    }

    private static long Points(EarningProgram program, long amountMinor) =>
        (long)decimal.Floor((decimal)amountMinor / program.MinorUnitsPerUnit * program.PointsPerCurrencyUnit);
}
