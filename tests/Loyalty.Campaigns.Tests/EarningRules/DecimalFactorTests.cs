using Loyalty.Campaigns.EarningRules;

namespace Loyalty.Campaigns.Tests.EarningRules;

/// <summary>The whole-number path of <see cref="DecimalFactor"/> gives what the decimal arithmetic it replaces gives.</summary>
public sealed class DecimalFactorTests
{
    private static readonly decimal[] Factors =
    [
        0m, 1m, 2m, 3m, 1.5m, 1.25m, 0.5m, 0.1m, 0.01m, 0.333m, 1.10m, 2.5000m, 7.125m, 0.000000001m, 123456.789m,
        -1.5m, -2m, 1m / 3m, 79228162514264337593543950335m, 0.0000000000000000000000000001m, 9223372036854775807m, 9223372036854775808m,
    ];

    private static readonly long[] Values =
    [
        0, 1, 2, 5, 9, 10, 49, 50, 99, 100, 101, 149, 150, 151, 999, 1_000, 1_497, 2_500, 9_001, 12_999, 28_497, 1_000_000_007,
        -1, -50, -12_999, 123_456_789_012, 9_223_372_036_854_775, 1_000_000_000_000_000_000, long.MaxValue, long.MinValue + 1,
    ];

    [Fact]
    public void Floor_of_a_product_is_the_decimal_one()
    {
        foreach (var factor in Factors)
        {
            foreach (var x in Values)
            {
                Assert.Equal(Decimal(() => (long)decimal.Floor(x * factor)), Decimal(() => new DecimalFactor(factor).FloorTimes(x)));
            }
        }
    }

    [Theory]
    [InlineData(100L)]
    [InlineData(1L)]
    [InlineData(1000L)]
    [InlineData(3L)]
    public void Points_per_currency_unit_are_the_decimal_ones_rounded_down_or_to_nearest(long per)
    {
        var random = new Random(4);
        var values = Values.Concat(Enumerable.Range(0, 2_000).Select(_ => random.NextInt64(0, 10_000_000))).ToArray();
        foreach (var factor in Factors.Concat(Enumerable.Range(0, 50).Select(_ => Math.Round((decimal)random.NextDouble() * 10, random.Next(0, 6)))))
        {
            foreach (var x in values)
            {
                Assert.Equal(
                    Decimal(() => (long)decimal.Floor((decimal)x / per * factor)), Decimal(() => new DecimalFactor(factor).Per(x, per, nearest: false)));
                Assert.Equal(
                    Decimal(() => (long)decimal.Round((decimal)x / per * factor, MidpointRounding.AwayFromZero)),
                    Decimal(() => new DecimalFactor(factor).Per(x, per, nearest: true)));
            }
        }
    }

    /// <summary>The value, or the type of the exception (an overflow must stay one).</summary>
    private static string Decimal(Func<long> compute)
    {
        try
        {
            return compute().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OverflowException e)
        {
            return e.GetType().Name;
        }
    }
}
