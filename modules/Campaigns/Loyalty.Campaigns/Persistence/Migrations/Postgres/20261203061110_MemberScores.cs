using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class MemberScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scores",
                schema: "campaigns",
                table: "Segments",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerThreshold",
                schema: "campaigns",
                table: "Campaigns",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MemberScores",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Recency = table.Column<int>(type: "integer", nullable: false),
                    Frequency = table.Column<int>(type: "integer", nullable: false),
                    Monetary = table.Column<int>(type: "integer", nullable: false),
                    ChurnRisk = table.Column<int>(type: "integer", nullable: false),
                    LifetimeValueMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MemberScores", x => new { x.Program, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "ScoreRuns",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Cursor = table.Column<Guid>(type: "uuid", nullable: true),
                    Scored = table.Column<int>(type: "integer", nullable: false),
                    Excluded = table.Column<int>(type: "integer", nullable: false),
                    Removed = table.Column<int>(type: "integer", nullable: false),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    FailureReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ModelKind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Features = table.Column<string>(type: "text", nullable: true),
                    Intercept = table.Column<double>(type: "double precision", nullable: false),
                    Boundaries = table.Column<string>(type: "text", nullable: true),
                    TrainedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    TrainingCutOff = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ValidationCutOff = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Auc = table.Column<double>(type: "double precision", nullable: true),
                    TrainingMembers = table.Column<int>(type: "integer", nullable: false),
                    TrainingLapsed = table.Column<int>(type: "integer", nullable: false),
                    ValidationMembers = table.Column<int>(type: "integer", nullable: false),
                    ValidationLapsed = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScoreRuns", x => x.Program);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MemberScores_MemberId",
                schema: "campaigns",
                table: "MemberScores",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_MemberScores_Program_RunId",
                schema: "campaigns",
                table: "MemberScores",
                columns: new[] { "Program", "RunId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MemberScores",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "ScoreRuns",
                schema: "campaigns");

            migrationBuilder.DropColumn(
                name: "Scores",
                schema: "campaigns",
                table: "Segments");

            migrationBuilder.DropColumn(
                name: "TriggerThreshold",
                schema: "campaigns",
                table: "Campaigns");
        }
    }
}
