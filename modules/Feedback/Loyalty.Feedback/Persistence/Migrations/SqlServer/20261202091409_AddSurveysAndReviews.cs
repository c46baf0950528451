using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Feedback.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddSurveysAndReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Reviews",
                schema: "feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SubjectType = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    SubjectId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Rating = table.Column<int>(type: "int", nullable: false),
                    Text = table.Column<string>(type: "nvarchar(max)", maxLength: 5000, nullable: true),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ModeratedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reviews", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SurveyResponses",
                schema: "feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    SurveyKey = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    SurveyId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SurveyVersion = table.Column<int>(type: "int", nullable: false),
                    SendId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    TierCode = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    Locale = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyResponses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Surveys",
                schema: "feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Key = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Definition = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Surveys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SurveySends",
                schema: "feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    SurveyKey = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    SurveyId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Trigger = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    SendAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    InvitedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    RespondedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveySends", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SurveyAnswers",
                schema: "feedback",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ResponseId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    QuestionId = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: false),
                    Score = table.Column<int>(type: "int", nullable: true),
                    Choices = table.Column<string>(type: "nvarchar(700)", maxLength: 700, nullable: true),
                    Text = table.Column<string>(type: "nvarchar(max)", maxLength: 10000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurveyAnswers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurveyAnswers_SurveyResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalSchema: "feedback",
                        principalTable: "SurveyResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_MemberId",
                schema: "feedback",
                table: "Reviews",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_Program_ExternalId",
                schema: "feedback",
                table: "Reviews",
                columns: new[] { "Program", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reviews_Program_Status_SubmittedAt",
                schema: "feedback",
                table: "Reviews",
                columns: new[] { "Program", "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyAnswers_ResponseId",
                schema: "feedback",
                table: "SurveyAnswers",
                column: "ResponseId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_MemberId",
                schema: "feedback",
                table: "SurveyResponses",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_Program_SurveyKey_SubmittedAt",
                schema: "feedback",
                table: "SurveyResponses",
                columns: new[] { "Program", "SurveyKey", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveyResponses_SendId",
                schema: "feedback",
                table: "SurveyResponses",
                column: "SendId",
                unique: true,
                filter: "[SendId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Surveys_Program_Key_Version",
                schema: "feedback",
                table: "Surveys",
                columns: new[] { "Program", "Key", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurveySends_InvitedAt_SendAt",
                schema: "feedback",
                table: "SurveySends",
                columns: new[] { "InvitedAt", "SendAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SurveySends_MemberId",
                schema: "feedback",
                table: "SurveySends",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_SurveySends_Program_SurveyKey_MemberId_Trigger",
                schema: "feedback",
                table: "SurveySends",
                columns: new[] { "Program", "SurveyKey", "MemberId", "Trigger" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Reviews",
                schema: "feedback");

            migrationBuilder.DropTable(
                name: "SurveyAnswers",
                schema: "feedback");

            migrationBuilder.DropTable(
                name: "Surveys",
                schema: "feedback");

            migrationBuilder.DropTable(
                name: "SurveySends",
                schema: "feedback");

            migrationBuilder.DropTable(
                name: "SurveyResponses",
                schema: "feedback");
        }
    }
}
