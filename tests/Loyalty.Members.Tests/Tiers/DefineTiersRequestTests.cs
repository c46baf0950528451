using Loyalty.Members.Tiers;

namespace Loyalty.Members.Tests.Tiers;

public sealed class DefineTiersRequestTests
{
    [Fact]
    public void A_rising_ladder_is_valid_in_any_order_and_gets_the_defaults()
    {
        var request = new DefineTiersRequest(null, null, null, [Tier("gold", 3, 1000), Tier("bronze", 1, 0), Tier("silver", 2, 500)]);

        Assert.True(request.Validate().IsEmpty);
        var settings = request.ToSettings(Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        Assert.Equal((TierBasis.QualifyingPoints, TierWindow.Rolling12Months, 1), (settings.Basis, settings.Window, settings.MaxLevelsDown));
        Assert.Equal(["bronze", "silver", "gold"], settings.Ladder.Select(t => t.Code));
        Assert.All(settings.Tiers, t => Assert.Equal(1m, t.EarningMultiplier));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(400)]
    public void A_higher_rank_needs_a_higher_threshold(long goldThreshold)
    {
        var errors = new DefineTiersRequest(null, null, null, [Tier("silver", 2, 500), Tier("gold", 3, goldThreshold)]).Validate();

        Assert.Equal(["tiers[1].threshold"], Fields(errors));
    }

    [Fact]
    public void Codes_and_ranks_are_unique_and_multipliers_positive()
    {
        var errors = new DefineTiersRequest(null, null, null,
            [Tier("silver", 1, 0), Tier("silver", 2, 500), Tier("gold", 2, 1000, -0.5m), Tier("platinum", 4, 2000, 0m)]).Validate();

        Assert.Equal(["tiers[1].code", "tiers[2].earningMultiplier", "tiers[2].rank", "tiers[3].earningMultiplier"], Fields(errors));
    }

    [Fact]
    public void An_empty_ladder_and_unknown_settings_are_refused()
    {
        var errors = new DefineTiersRequest("Visits", "Weekly", 0, []).Validate();

        Assert.Equal(["basis", "maxLevelsDown", "tiers", "window"], Fields(errors));
    }

    private static TierRequest Tier(string code, int rank, long threshold, decimal? multiplier = null) =>
        new(code, code, rank, threshold, multiplier, null);

    private static IEnumerable<string> Fields(Loyalty.Shared.Http.ValidationErrors errors)
    {
        var problem = errors.ToProblem();
        return problem.ProblemDetails.Errors.Keys.Order();
    }
}
