using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
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
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerThreshold",
                schema: "campaigns",
                table: "Campaigns",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MemberScores",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Recency = table.Column<int>(type: "int", nullable: false),
                    Frequency = table.Column<int>(type: "int", nullable: false),
                    Monetary = table.Column<int>(type: "int", nullable: false),
                    ChurnRisk = table.Column<int>(type: "int", nullable: false),
                    LifetimeValueMinor = table.Column<long>(type: "bigint", nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    RunId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
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
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    State = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    RunId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Cursor = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Scored = table.Column<int>(type: "int", nullable: false),
                    Excluded = table.Column<int>(type: "int", nullable: false),
                    Removed = table.Column<int>(type: "int", nullable: false),
                    LockedUntil = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LockedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    FailureReason = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: true),
                    ModelKind = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: true),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Features = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    Intercept = table.Column<double>(type: "float", nullable: false),
                    Boundaries = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    TrainedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    TrainingCutOff = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    ValidationCutOff = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Auc = table.Column<double>(type: "float", nullable: true),
                    TrainingMembers = table.Column<int>(type: "int", nullable: false),
                    TrainingLapsed = table.Column<int>(type: "int", nullable: false),
                    ValidationMembers = table.Column<int>(type: "int", nullable: false),
                    ValidationLapsed = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false)
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
