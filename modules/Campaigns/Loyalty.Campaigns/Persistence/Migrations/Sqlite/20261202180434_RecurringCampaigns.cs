using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class RecurringCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "NextOccurrenceAt",
                table: "campaigns_Campaigns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ParentId",
                table: "campaigns_Campaigns",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Recurrence",
                table: "campaigns_Campaigns",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Campaigns_ParentId",
                table: "campaigns_Campaigns",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Campaigns_Status_NextOccurrenceAt",
                table: "campaigns_Campaigns",
                columns: new[] { "Status", "NextOccurrenceAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaigns_Campaigns_ParentId",
                table: "campaigns_Campaigns");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_Campaigns_Status_NextOccurrenceAt",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "NextOccurrenceAt",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "ParentId",
                table: "campaigns_Campaigns");

            migrationBuilder.DropColumn(
                name: "Recurrence",
                table: "campaigns_Campaigns");
        }
    }
}
