using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class MemberScores : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scores",
                table: "campaigns_Segments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerThreshold",
                table: "campaigns_Campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "campaigns_MemberScores",
                columns: table => new
                {
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Recency = table.Column<int>(type: "INTEGER", nullable: false),
                    Frequency = table.Column<int>(type: "INTEGER", nullable: false),
                    Monetary = table.Column<int>(type: "INTEGER", nullable: false),
                    ChurnRisk = table.Column<int>(type: "INTEGER", nullable: false),
                    LifetimeValueMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_MemberScores", x => new { x.Program, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "campaigns_ScoreRuns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Cursor = table.Column<Guid>(type: "TEXT", nullable: true),
                    Scored = table.Column<int>(type: "INTEGER", nullable: false),
                    Excluded = table.Column<int>(type: "INTEGER", nullable: false),
                    Removed = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LockedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ModelKind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Features = table.Column<string>(type: "TEXT", nullable: true),
                    Intercept = table.Column<double>(type: "REAL", nullable: false),
                    Boundaries = table.Column<string>(type: "TEXT", nullable: true),
                    TrainedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TrainingCutOff = table.Column<long>(type: "INTEGER", nullable: true),
                    ValidationCutOff = table.Column<long>(type: "INTEGER", nullable: true),
                    Auc = table.Column<double>(type: "REAL", nullable: true),
                    TrainingMembers = table.Column<int>(type: "INTEGER", nullable: false),
                    TrainingLapsed = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidationMembers = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidationLapsed = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_ScoreRuns", x => x.Program);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_MemberScores_MemberId",
                table: "campaigns_MemberScores",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_MemberScores_Program_RunId",
                table: "campaigns_MemberScores",
                columns: new[] { "Program", "RunId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_MemberScores");

            migrationBuilder.DropTable(
                name: "campaigns_ScoreRuns");

            migrationBuilder.DropColumn(
                name: "Scores",
                table: "campaigns_Segments");

            migrationBuilder.DropColumn(
                name: "TriggerThreshold",
                table: "campaigns_Campaigns");
        }
    }
}
