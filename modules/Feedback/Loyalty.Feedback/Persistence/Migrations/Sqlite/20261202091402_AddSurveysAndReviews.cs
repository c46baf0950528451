using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Feedback.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddSurveysAndReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feedback_Reviews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectType = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Rating = table.Column<int>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModeratedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_Reviews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feedback_SurveyResponses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SurveyKey = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SurveyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SurveyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    SendId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TierCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_SurveyResponses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feedback_Surveys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_Surveys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feedback_SurveySends",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SurveyKey = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SurveyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SendAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InvitedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RespondedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_SurveySends", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feedback_SurveyAnswers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResponseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    QuestionId = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: true),
                    Choices = table.Column<string>(type: "TEXT", maxLength: 700, nullable: true),
                    Text = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_SurveyAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_feedback_SurveyAnswers_feedback_SurveyResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "feedback_SurveyResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_Reviews_MemberId",
                table: "feedback_Reviews",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_Reviews_Program_ExternalId",
                table: "feedback_Reviews",
                columns: new[] { "Program", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_Reviews_Program_Status_SubmittedAt",
                table: "feedback_Reviews",
                columns: new[] { "Program", "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveyAnswers_ResponseId",
                table: "feedback_SurveyAnswers",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveyResponses_MemberId",
                table: "feedback_SurveyResponses",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveyResponses_Program_SurveyKey_SubmittedAt",
                table: "feedback_SurveyResponses",
                columns: new[] { "Program", "SurveyKey", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveyResponses_SendId",
                table: "feedback_SurveyResponses",
                column: "SendId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_Surveys_Program_Key_Version",
                table: "feedback_Surveys",
                columns: new[] { "Program", "Key", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveySends_InvitedAt_SendAt",
                table: "feedback_SurveySends",
                columns: new[] { "InvitedAt", "SendAt" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveySends_MemberId",
                table: "feedback_SurveySends",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_SurveySends_Program_SurveyKey_MemberId_Trigger",
                table: "feedback_SurveySends",
                columns: new[] { "Program", "SurveyKey", "MemberId", "Trigger" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_Reviews");

            migrationBuilder.DropTable(
                name: "feedback_SurveyAnswers");

            migrationBuilder.DropTable(
                name: "feedback_Surveys");

            migrationBuilder.DropTable(
                name: "feedback_SurveySends");

            migrationBuilder.DropTable(
                name: "feedback_SurveyResponses");
        }
    }
}
