using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddEarningRuleCaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns_EarningRuleCapCounters",
                columns: table => new
                {
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Given = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_EarningRuleCapCounters", x => new { x.RuleId, x.Period });
                });

            migrationBuilder.CreateTable(
                name: "campaigns_EarningRuleCapReservations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    Periods = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ReservedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Confirmed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_EarningRuleCapReservations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_EarningRuleCapReservations_Confirmed_ReservedAt",
                table: "campaigns_EarningRuleCapReservations",
                columns: new[] { "Confirmed", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_EarningRuleCapReservations_ProgramId_ExternalId_RuleId",
                table: "campaigns_EarningRuleCapReservations",
                columns: new[] { "ProgramId", "ExternalId", "RuleId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_EarningRuleCapCounters");

            migrationBuilder.DropTable(
                name: "campaigns_EarningRuleCapReservations");
        }
    }
}
