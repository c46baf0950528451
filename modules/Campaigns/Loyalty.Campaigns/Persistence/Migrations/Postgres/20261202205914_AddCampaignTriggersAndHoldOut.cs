using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Trigger",
                schema: "campaigns",
                table: "Campaigns",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TriggerDays",
                schema: "campaigns",
                table: "Campaigns",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Occurrence",
                schema: "campaigns",
                table: "CampaignMessages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "CampaignOutcomes",
                schema: "campaigns",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Amount = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
