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
            var perLine = new long[lines.Count];
            long sum = 0;
            for (var i = 0; i < perLine.Length; i++)
            {
                perLine[i] = Points(program, lines[i].AmountMinor);
                sum = checked(sum + perLine[i]);
            }

            return new EarningDecision(sum, perLine);
        }

        var total = Points(program, purchase.TotalMinor);
        long lineAmounts = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            lineAmounts = checked(lineAmounts + lines[i].AmountMinor);
        }

        var shares = new long[lines.Count];
        long shared = 0;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = lineAmounts == 0 ? 0 : total * lines[i].AmountMinor / lineAmounts;
            shared = checked(shared + shares[i]);
        }

        if (shares.Length > 0)
        {
            shares[^1] += total - shared;
        }

        return new EarningDecision(total, shares);
    }

    private static long Points(EarningProgram program, long amountMinor) =>
        (long)decimal.Floor((decimal)amountMinor / program.MinorUnitsPerUnit * program.PointsPerCurrencyUnit);
}
