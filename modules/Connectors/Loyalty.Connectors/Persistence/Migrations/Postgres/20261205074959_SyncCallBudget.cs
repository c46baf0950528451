using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class SyncCallBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CallsPerHour",
                schema: "connectors",
                table: "SyncSetups",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Calls",
                schema: "connectors",
                table: "SyncRuns",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CallsPerHour",
                schema: "connectors",
                table: "SyncSetups");

            migrationBuilder.DropColumn(
                name: "Calls",
                schema: "connectors",
                table: "SyncRuns");
        }
    }
}
