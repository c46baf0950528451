namespace Loyalty.Campaigns.EarningRules;

/// <summary>
/// A decimal factor (a multiplier, a rate) held as well as a whole number over a power of ten, so that what the
/// evaluator works out per line, floor (or round) of whole points or minor units times the factor, is done in
/// <c>long</c> arithmetic where the decimal arithmetic is exact, giving the same whole number; elsewhere (negative values,
/// magnitudes that do not fit, a minor unit that is not a power of ten) it is done in decimal as before.
/// </summary>
internal readonly struct DecimalFactor
{
    private static readonly long[] PowersOfTen =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

    private readonly long _numerator;
    private readonly int _scale;

    public DecimalFactor(decimal value)
    {
        Value = value;
        _scale = -1;
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        // Not negative, the 96-bit integer fits a long, and its scale a long power of ten.
        if (bits[3] >= 0 && bits[2] == 0 && bits[1] >= 0 && value.Scale < PowersOfTen.Length)
        {
            _numerator = ((long)bits[1] << 32) | (uint)bits[0];
            _scale = value.Scale;
        }
    }

    public decimal Value { get; }

    /// <summary><c>(long)decimal.Floor(x * Value)</c>.</summary>
    public long FloorTimes(long x) =>
        Exact(x, 0, out var product, out var divisor) ? product / divisor : (long)decimal.Floor(x * Value);

    /// <summary>
    /// <c>(long)decimal.Floor((decimal)x / per * Value)</c>, or rounded half away from zero when <paramref name="nearest"/>:
    /// points per currency unit of <paramref name="x"/> minor units, <paramref name="per"/> of them to the unit.
    /// </summary>
    public long Per(long x, long per, bool nearest)
    {
        var k = Array.IndexOf(PowersOfTen, per);
        if (k >= 0 && Exact(x, k, out var product, out var divisor))
        {
            // x / 10^k is exact in decimal, and so is its product with Value: the whole product fits a long.
            var quotient = product / divisor;
            return nearest && (product % divisor) * 2 >= divisor ? quotient + 1 : quotient;
        }

        var value = (decimal)x / per * Value;
        return (long)(nearest ? decimal.Round(value, MidpointRounding.AwayFromZero) : decimal.Floor(value));
    }

    /// <summary>x × numerator and 10^(scale + k), when x is not negative and both fit a long.</summary>
    private bool Exact(long x, int k, out long product, out long divisor)
    {
        product = divisor = 0;
        if (_scale < 0 || x < 0 || _scale + k >= PowersOfTen.Length || (_numerator != 0 && x > long.MaxValue / _numerator))
        {
            return false;
        }

        product = x * _numerator;
        divisor = PowersOfTen[_scale + k];
        return true;
    }
}
