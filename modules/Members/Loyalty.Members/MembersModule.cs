using Loyalty.Campaigns.Contracts;
using Loyalty.Consent.Contracts;
using Loyalty.Members.Attributes;
using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Figures;
using Loyalty.Members.Import;
using Loyalty.Members.Ledger;
using Loyalty.Members.Merge;
using Loyalty.Members.Persistence;
using Loyalty.Members.PersonalData;
using Loyalty.Members.Programs;
using Loyalty.Members.Selection;
using Loyalty.Members.Tiers;
using Loyalty.Members.Transactions;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Loyalty.Members;

/// <summary>Members, loyalty programs, tiers, the points ledger and purchase transactions.</summary>
public sealed class MembersModule : LoyaltyModule
{
    public override string Name => MembersDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<MembersDbContext, SqliteMembersDbContext, PostgresMembersDbContext, SqlServerMembersDbContext>(
            configuration, Name);
        services.AddScoped<IDemoDataSeeder, DemoProgramSeeder>();
        services.AddScoped<PointsLedger>();
        services.AddSingleton<ProgramCache>();
        services.AddSingleton<TierSettingsCache>();
        services.AddScoped<IPersonalDataProvider, MembersPersonalData>();
        services.AddScoped<IRetentionCategory, InactiveMembersRetention>();
        services.AddScoped<IMemberIdentities, MemberIdentities>();
        services.AddScoped<ILoyaltyPrograms, LoyaltyPrograms>();
        services.AddScoped<MemberEnrollment>();
        services.AddScoped<IMemberSync, MemberSync>();
        services.AddImports(configuration);
        services.AddScoped<ILedgerConsistency, LedgerConsistency>();
        services.AddScoped<IRecordedPurchases, RecordedPurchases>();
        services.AddScoped<IPurchaseHistory, PurchaseHistoryQueries>();
        services.AddScoped<IPurchaseReplay, PurchaseReplay>();
        services.AddScoped<IMemberPoints, MemberPoints>();
        services.AddScoped<IActivityPoints, ActivityPoints>();
        services.AddScoped<IMemberContacts, MemberContacts>();
        services.AddScoped<IMemberSelection, MemberSelection>();
        services.AddScoped<IMessageRecipients, MessageRecipients>();
        services.AddScoped<TransactionRecorder>();
        services.AddScoped<IMemberTransactions, MemberTransactions>();
        services.AddSingleton<TransactionMetrics>();
        // The fallback until earning rules decide; the Campaigns module's registration replaces it.
        services.TryAddScoped<IEarningEngine, BaseRateEarning>();
        services.AddIntegrationEventHandler<MemberEnrolled, CreditHeldTransactionsOnMemberEnrolled, MembersDbContext>();
        services.AddScoped<TierEvaluation>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<ReleasePendingPointsJob>(job => job.WithIdentity(ReleasePendingPointsJob.Key));
        quartz.AddTrigger<ReleasePendingPointsJob>(trigger => trigger
            .ForJob(ReleasePendingPointsJob.Key)
            .WithIdentity($"{ReleasePendingPointsJob.Key.Name}.every-15-minutes", Name)
            .WithCronSchedule("0 0/15 * * * ?"));
        quartz.AddJob<ExpireDuePointsJob>(job => job.WithIdentity(ExpireDuePointsJob.Key));
        quartz.AddTrigger<ExpireDuePointsJob>(trigger => trigger
            .ForJob(ExpireDuePointsJob.Key)
            .WithIdentity($"{ExpireDuePointsJob.Key.Name}.hourly", Name)
            .WithCronSchedule("0 5 * * * ?"));
        quartz.AddJob<PurgeUnclaimedHeldTransactionsJob>(job => job.WithIdentity(PurgeUnclaimedHeldTransactionsJob.Key));
        quartz.AddTrigger<PurgeUnclaimedHeldTransactionsJob>(trigger => trigger
            .ForJob(PurgeUnclaimedHeldTransactionsJob.Key)
            .WithIdentity($"{PurgeUnclaimedHeldTransactionsJob.Key.Name}.daily", Name)
            .WithCronSchedule("0 30 3 * * ?"));
        quartz.AddJob<EvaluateTiersJob>(job => job.WithIdentity(EvaluateTiersJob.Key));
        quartz.AddTrigger<EvaluateTiersJob>(trigger => trigger
            .ForJob(EvaluateTiersJob.Key)
            .WithIdentity($"{EvaluateTiersJob.Key.Name}.daily", Name)
            .WithCronSchedule("0 15 2 * * ?"));
    }

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapProgramEndpoints();
        api.MapProgramSettingsEndpoints();
        api.MapMemberEndpoints();
        api.MapLedgerEndpoints();
        api.MapTransactionEndpoints();
        api.MapMergeEndpoints();
        api.MapAttributeDefinitionEndpoints();
        api.MapTierEndpoints();
        api.MapImportEndpoints();
        api.MapFigureEndpoints();
    }
}
