using Loyalty.Consent.Consents;
using Loyalty.Consent.Contracts;
using Loyalty.Consent.Erasure;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Jobs;
using Loyalty.Consent.Persistence;
using Loyalty.Consent.PersonalData;
using Loyalty.Consent.Purposes;
using Loyalty.Consent.Records;
using Loyalty.Consent.Reminders;
using Loyalty.Consent.Requests;
using Loyalty.Consent.Restrictions;
using Loyalty.Consent.Retention;
using Loyalty.Consent.Suppression;
using Loyalty.Shared.Contracts;
using Loyalty.Shared.Mail;
using Loyalty.Shared.Modules;
using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace Loyalty.Consent;

/// <summary>GDPR consent, data subject requests, export, erasure and retention.</summary>
public sealed class ConsentModule : LoyaltyModule
{
    public override string Name => ConsentDbContext.SchemaName;

    public override void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDbContext<ConsentDbContext, SqliteConsentDbContext, PostgresConsentDbContext, SqlServerConsentDbContext>(
            configuration, Name);
        services.AddOptions<ConsentOptions>().Bind(configuration.GetSection(ConsentOptions.Section));
        services.AddOptions<ReminderOptions>().Bind(configuration.GetSection(ReminderOptions.Section));
        services.AddDataProtection();
        services.AddSingleton<ExportStorage>();
        services.AddScoped<SuppressionList>();
        services.AddScoped<ISuppressionList>(sp => sp.GetRequiredService<SuppressionList>());
        services.AddScoped<IPersonalDataProvider, ConsentPersonalData>();
        services.AddScoped<RequestFiling>();
        services.AddScoped<RequestViews>();
        services.AddScoped<RequestWork>();
        services.AddScoped<MemberExport>();
        services.AddScoped<MemberErasure>();
        services.AddScoped<Restrictions.RestrictionPropagation>();
        services.AddSingleton<ErasureJournal>();
        services.AddScoped<IErasureReplay, ErasureReplay>();
        services.AddScoped<ConsentRecording>();
        services.AddScoped<IConsentGate, ConsentGate>();
        services.AddScoped<IMemberConsents, MemberConsents>();
        services.AddScoped<RetentionPolicies>();
        services.AddScoped<IRetentionErasure, RetentionErasure>();
        services.AddScoped<IRetentionCategory, ExportArchiveRetention>();
    }

    public override void AddJobs(IQuartzBuilder quartz)
    {
        quartz.AddJob<RetryDataSubjectRequestsJob>(job => job.WithIdentity(RetryDataSubjectRequestsJob.Key));
        quartz.AddTrigger<RetryDataSubjectRequestsJob>(trigger => trigger
            .ForJob(RetryDataSubjectRequestsJob.Key)
            .WithIdentity($"{RetryDataSubjectRequestsJob.Key.Name}.every-5-minutes", Name)
            .WithCronSchedule("0 */5 * * * ?"));
        quartz.AddJob<DeleteExpiredExportsJob>(job => job.WithIdentity(DeleteExpiredExportsJob.Key));
        quartz.AddTrigger<DeleteExpiredExportsJob>(trigger => trigger
            .ForJob(DeleteExpiredExportsJob.Key)
            .WithIdentity($"{DeleteExpiredExportsJob.Key.Name}.hourly", Name)
            .WithCronSchedule("0 15 * * * ?"));
        quartz.AddJob<SendDpoRemindersJob>(job => job.WithIdentity(SendDpoRemindersJob.Key));
        quartz.AddTrigger<SendDpoRemindersJob>(trigger => trigger
            .ForJob(SendDpoRemindersJob.Key)
            .WithIdentity($"{SendDpoRemindersJob.Key.Name}.hourly", Name)
            .WithCronSchedule("0 45 * * * ?"));
        quartz.AddJob<ApplyRetentionPoliciesJob>(job => job.WithIdentity(ApplyRetentionPoliciesJob.Key));
        quartz.AddTrigger<ApplyRetentionPoliciesJob>(trigger => trigger
            .ForJob(ApplyRetentionPoliciesJob.Key)
            .WithIdentity($"{ApplyRetentionPoliciesJob.Key.Name}.daily", Name)
            .WithCronSchedule("0 30 3 * * ?"));
    }

    public override void AddHealthChecks(IHealthChecksBuilder checks) =>
        checks.Add(new HealthCheckRegistration(
            "smtp-dpo-reminders",
            sp => new SmtpHealthCheck(() => sp.GetRequiredService<IOptions<ReminderOptions>>().Value is { DpoAddresses.Length: > 0 } reminders ? reminders : null),
            HealthStatus.Degraded,
            []));

    public override void MapEndpoints(RouteGroupBuilder api)
    {
        api.MapRequestEndpoints();
        api.MapExportEndpoints();
        api.MapPurposeEndpoints();
        api.MapConsentEndpoints();
        api.MapConsentReportEndpoints();
        api.MapProcessingRecordEndpoints();
        api.MapProcessingMarkEndpoints();
        api.MapRetentionEndpoints();
    }
}
