using Loyalty.Rewards.Catalog;
using Loyalty.Rewards.Contracts;
using Loyalty.Rewards.Jobs;
using Loyalty.Rewards.PartnerCodes;
using Loyalty.Rewards.Persistence;
using Loyalty.Rewards.Redemption;
using Loyalty.Rewards.Vouchers;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Loyalty.Rewards;

/// <summary>The rewards catalog, redemptions and vouchers.</summary>
public sealed class RewardsModule : LoyaltyModule
{
    public override string Name => RewardsDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<RewardsDbContext, SqliteRewardsDbContext, PostgresRewardsDbContext, SqlServerRewardsDbContext>(
            configuration, Name);
        services.AddOptions<RedemptionOptions>().Bind(configuration.GetSection(RedemptionOptions.Section));
        services.AddOptions<VoucherOptions>().Bind(configuration.GetSection(VoucherOptions.Section));
        services.AddScoped<RewardRedemptions>();
        services.AddSingleton<RedemptionMetrics>();
        services.AddScoped<PartnerCodePool>();
        services.AddSingleton<VoucherCodeGuard>();
        services.AddScoped<IVoucherIssuer, VoucherIssuer>();
        services.AddScoped<IMemberRewards, MemberRewardsView>();
        services.AddScoped<IRewardFigures, RewardFiguresView>();
        services.AddScoped<VoucherBatchGenerator>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<RecoverInterruptedRedemptionsJob>(job => job.WithIdentity(RecoverInterruptedRedemptionsJob.Key));
        quartz.AddTrigger<RecoverInterruptedRedemptionsJob>(trigger => trigger
            .ForJob(RecoverInterruptedRedemptionsJob.Key)
            .WithIdentity($"{RecoverInterruptedRedemptionsJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("0 * * * * ?"));
        quartz.AddJob<GenerateVoucherBatchesJob>(job => job.WithIdentity(GenerateVoucherBatchesJob.Key));
        quartz.AddTrigger<GenerateVoucherBatchesJob>(trigger => trigger
            .ForJob(GenerateVoucherBatchesJob.Key)
            .WithIdentity($"{GenerateVoucherBatchesJob.Key.Name}.every-minute", Name)
            .WithCronSchedule("20 * * * * ?"));
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapCatalogEndpoints();
        api.MapRedemptionEndpoints();
        api.MapVoucherEndpoints();
        api.MapVoucherBatchEndpoints();
        api.MapPartnerCodeEndpoints();
    }
}
