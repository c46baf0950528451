using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddCampaignTriggersAndHoldOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_MemberId",
                table: "campaigns_CampaignMessages");

            migrationBuilder.AddColumn<int>(
                name: "HoldOutPercent",
                table: "campaigns_Campaigns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Trigger",
                table: "campaigns_Campaigns",
                type: "TEXT",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerDays",
                table: "campaigns_Campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Occurrence",
                table: "campaigns_CampaignMessages",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "campaigns_CampaignOutcomes",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Amount = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_CampaignOutcomes", x => x.EventId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Campaigns_Program_Trigger_Status",
                table: "campaigns_Campaigns",
                columns: new[] { "Program", "Trigger", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_MemberId_Occurrence",
                table: "campaigns_CampaignMessages",
                columns: new[] { "CampaignId", "MemberId", "Occurrence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignOutcomes_Program_MemberId_Kind_OccurredAt",
                table: "campaigns_CampaignOutcomes",
                columns: new[] { "Program", "MemberId", "Kind", "OccurredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_CampaignOutcomes");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_Campaigns_Program_Trigger_Status",
                table: "campaigns_Campaigns");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_MemberId_Occurrence",
                table: "campaigns_CampaignMessages");

            migrationBuilder.DropColumn(
                name: "HoldOutPercent",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "Trigger",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "TriggerDays",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "Occurrence",
                table: "campaigns_CampaignMessages");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_MemberId",
                table: "campaigns_CampaignMessages",
                columns: new[] { "CampaignId", "MemberId" },
                unique: true);
        }
    }
}
