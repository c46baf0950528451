using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class RecurringCampaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextOccurrenceAt",
                schema: "campaigns",
                table: "Campaigns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ParentId",
                schema: "campaigns",
                table: "Campaigns",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Recurrence",
                schema: "campaigns",
                table: "Campaigns",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_ParentId",
                schema: "campaigns",
                table: "Campaigns",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_Status_NextOccurrenceAt",
                schema: "campaigns",
                table: "Campaigns",
                columns: new[] { "Status", "NextOccurrenceAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Campaigns_ParentId",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropIndex(
                name: "IX_Campaigns_Status_NextOccurrenceAt",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "NextOccurrenceAt",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "ParentId",
                schema: "campaigns",
                table: "Campaigns");

            migrationBuilder.DropColumn(
                name: "Recurrence",
                schema: "campaigns",
                table: "Campaigns");
        }
    }
}
