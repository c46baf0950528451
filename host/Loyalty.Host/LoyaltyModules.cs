using Loyalty.Administration;
using Loyalty.Campaigns;
using Loyalty.Connectors;
using Loyalty.Consent;
using Loyalty.Feedback;
using Loyalty.Members;
using Loyalty.Rewards;
using Loyalty.Shared.Modules;

namespace Loyalty.Host;

/// <summary>The modules this host runs: the one place a module is added.</summary>
public static class LoyaltyModules
{
    public static IReadOnlyList<LoyaltyModule> All { get; } =
    [
        new AdministrationModule(),
        new MembersModule(),
        new RewardsModule(),
        new CampaignsModule(),
        new FeedbackModule(),
        new ConsentModule(),
        new ConnectorsModule(),
    ];
}
