using Microsoft.EntityFrameworkCore;

namespace Loyalty.Feedback.Answering;

/// <summary>
/// A submitted survey, with the version it answered and the member's tier at that time (for NPS per tier). A
/// response to a send is unique per send; an anonymous one has neither send nor member.
/// </summary>
internal sealed class SurveyResponse
{
    public Guid Id { get; init; }

    public required string Program { get; init; }

    public required string SurveyKey { get; init; }

    public Guid SurveyId { get; init; }

    public int SurveyVersion { get; init; }

    public Guid? SendId { get; init; }

    public Guid? MemberId { get; init; }

    public string? TierCode { get; init; }

    public required string Locale { get; init; }

    public DateTimeOffset SubmittedAt { get; init; }

    public List<SurveyAnswer> Answers { get; init; } = [];

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<SurveyResponse>(response =>
        {
            response.ToTable("SurveyResponses");
            response.HasKey(r => r.Id);
            response.Property(r => r.Program).HasMaxLength(50);
            response.Property(r => r.SurveyKey).HasMaxLength(50);
            response.Property(r => r.TierCode).HasMaxLength(50);
            response.Property(r => r.Locale).HasMaxLength(20);
            response.HasIndex(r => r.SendId).IsUnique();
            response.HasIndex(r => new { r.Program, r.SurveyKey, r.SubmittedAt });
            response.HasIndex(r => r.MemberId);
            response.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.ResponseId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<SurveyAnswer>(answer =>
        {
            answer.ToTable("SurveyAnswers");
            answer.HasKey(a => a.Id);
            answer.Property(a => a.QuestionId).HasMaxLength(30);
            answer.Property(a => a.Choices).HasMaxLength(700);
            answer.Property(a => a.Text).HasMaxLength(Surveys.SurveyDefinition.MaxTextLength);
        });
    }
}

/// <summary>One answered question: a score, choice ids (comma-separated) or a text. Unanswered questions have no row.</summary>
internal sealed class SurveyAnswer
{
    public Guid Id { get; init; }

    public Guid ResponseId { get; init; }

    public required string QuestionId { get; init; }

    public int? Score { get; init; }

    public string? Choices { get; init; }

    public string? Text { get; set; }
}
