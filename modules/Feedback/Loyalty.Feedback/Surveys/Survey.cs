using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Surveys;

internal enum SurveyStatus
{
    Draft,
    Published,

    /// <summary>A newer version was published; sends made before keep answering this one.</summary>
    Superseded,
}

/// <summary>
/// One version of a survey. Editing a published version makes the next version a draft; publishing it supersedes the
/// one before. Sends and responses point at the version they were made with, so answers keep their questions.
/// </summary>
internal sealed class Survey
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string Key { get; init; }

    public int Version { get; init; }

    public SurveyStatus Status { get; set; }

    /// <summary>The <see cref="SurveyDefinition"/> as JSON.</summary>
    public required string Definition { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public SurveyDefinition Parsed() => JsonSerializer.Deserialize<SurveyDefinition>(Definition, Json)!;

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Survey>(survey =>
    {
        survey.ToTable("Surveys");
        survey.HasKey(s => s.Id);
        survey.Property(s => s.Program).HasMaxLength(50);
        survey.Property(s => s.Key).HasMaxLength(50);
        survey.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        survey.HasIndex(s => new { s.Program, s.Key, s.Version }).IsUnique();
    });
}
