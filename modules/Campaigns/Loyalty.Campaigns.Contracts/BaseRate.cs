namespace Loyalty.Campaigns.Contracts;

/// <summary>
/// A program's base rate: points per whole currency unit, rounded down, per line or once on the total (then shared out
/// over the lines by amount, the remainder on the last line). Members earns it while no earning rules decide, and the
/// earning rules start from it, so a program without rules earns the same either way.
/// </summary>
public static class BaseRate
{
    public const string PerLine = "PerLine";

    public static EarningDecision Decide(EarningProgram program, EarningPurchase purchase)
    {
        var lines = purchase.Lines;
        if (program.BaseRateScope == PerLine && lines.Count > 0)
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
