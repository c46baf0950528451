using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class SyncCallBudget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CallsPerHour",
                table: "connectors_SyncSetups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Calls",
                table: "connectors_SyncRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CallsPerHour",
                table: "connectors_SyncSetups");

            migrationBuilder.DropColumn(
                name: "Calls",
                table: "connectors_SyncRuns");
        }
    }
}
