using Loyalty.Consent.Consents;
using Loyalty.Consent.Exports;
using Loyalty.Consent.Purposes;
using Loyalty.Consent.Reminders;
using Loyalty.Consent.Requests;
using Loyalty.Consent.Restrictions;
using Loyalty.Consent.Retention;
using Loyalty.Consent.Suppression;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Consent.Persistence;

internal class ConsentDbContext(DbContextOptions options) : ModuleDbContext(options, SchemaName)
{
    public const string SchemaName = "consent";

    public DbSet<DataSubjectRequest> Requests => Set<DataSubjectRequest>();

    public DbSet<RequestStep> RequestSteps => Set<RequestStep>();

    public DbSet<ExportArchive> ExportArchives => Set<ExportArchive>();

    public DbSet<SuppressionEntry> SuppressionEntries => Set<SuppressionEntry>();

    public DbSet<Purpose> Purposes => Set<Purpose>();

    public DbSet<ConsentText> ConsentTexts => Set<ConsentText>();

    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();

    public DbSet<ProcessingMark> ProcessingMarks => Set<ProcessingMark>();

    public DbSet<DpoReminder> DpoReminders => Set<DpoReminder>();

    public DbSet<RetentionPolicy> RetentionPolicies => Set<RetentionPolicy>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        DataSubjectRequest.Configure(modelBuilder);
        RequestStep.Configure(modelBuilder);
        ExportArchive.Configure(modelBuilder);
        SuppressionEntry.Configure(modelBuilder);
        Purpose.Configure(modelBuilder);
        ConsentText.Configure(modelBuilder);
        ConsentRecord.Configure(modelBuilder);
        ProcessingMark.Configure(modelBuilder);
        DpoReminder.Configure(modelBuilder);
        RetentionPolicy.Configure(modelBuilder);
    }
}

// One derived type per provider, so each provider's migrations live in their own folder of this assembly.
internal sealed class SqliteConsentDbContext(DbContextOptions<SqliteConsentDbContext> options) : ConsentDbContext(options);

internal sealed class PostgresConsentDbContext(DbContextOptions<PostgresConsentDbContext> options) : ConsentDbContext(options);

internal sealed class SqlServerConsentDbContext(DbContextOptions<SqlServerConsentDbContext> options) : ConsentDbContext(options);
