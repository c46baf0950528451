using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddCampaignTriggersAndHoldOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CampaignMessages_CampaignId_MemberId",
                schema: "campaigns",
                table: "CampaignMessages");

            migrationBuilder.AddColumn<int>(
                name: "HoldOutPercent",
                schema: "campaigns",
                table: "Campaigns",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Trigger",
                schema: "campaigns",
                table: "Campaigns",
                type: "nvarchar(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerDays",
                schema: "campaigns",
                table: "Campaigns",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Occurrence",
                schema: "campaigns",
                table: "CampaignMessages",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "CampaignOutcomes",
                schema: "campaigns",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignOutcomes", x => x.EventId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_Program_Trigger_Status",
                schema: "campaigns",
                table: "Campaigns",
                columns: new[] { "Program", "Trigger", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_CampaignId_MemberId_Occurrence",
                schema: "campaigns",
                table: "CampaignMessages",
                columns: new[] { "CampaignId", "MemberId", "Occurrence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CampaignOutcomes_Program_MemberId_Kind_OccurredAt",
                schema: "campaigns",
                table: "CampaignOutcomes",
                columns: new[] { "Program", "MemberId", "Kind", "OccurredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignOutcomes",
                schema: "campaigns");

            migrationBuilder.DropIndex(
                name: "IX_Campaigns_Program_Trigger_Status",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropIndex(
                name: "IX_CampaignMessages_CampaignId_MemberId_Occurrence",
                schema: "campaigns",
                table: "CampaignMessages");

            migrationBuilder.DropColumn(
                name: "HoldOutPercent",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "Trigger",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "TriggerDays",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "Occurrence",
                schema: "campaigns",
                table: "CampaignMessages");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_CampaignId_MemberId",
                schema: "campaigns",
                table: "CampaignMessages",
                columns: new[] { "CampaignId", "MemberId" },
                unique: true);
        }
    }
}
