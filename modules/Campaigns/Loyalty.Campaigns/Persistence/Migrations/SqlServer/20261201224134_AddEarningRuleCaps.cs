using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddEarningRuleCaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EarningRuleCapCounters",
                schema: "campaigns",
                columns: table => new
                {
                    RuleId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Period = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Given = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EarningRuleCapCounters", x => new { x.RuleId, x.Period });
                });

            migrationBuilder.CreateTable(
                name: "EarningRuleCapReservations",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    RuleId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Points = table.Column<long>(type: "bigint", nullable: false),
                    Periods = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    ReservedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Confirmed = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EarningRuleCapReservations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EarningRuleCapReservations_Confirmed_ReservedAt",
                schema: "campaigns",
                table: "EarningRuleCapReservations",
                columns: new[] { "Confirmed", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EarningRuleCapReservations_ProgramId_ExternalId_RuleId",
                schema: "campaigns",
                table: "EarningRuleCapReservations",
                columns: new[] { "ProgramId", "ExternalId", "RuleId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EarningRuleCapCounters",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "EarningRuleCapReservations",
                schema: "campaigns");
        }
    }
}
