using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class OneUnfinishedRunPerConnection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_SyncRuns_ConnectionId_Unfinished",
                table: "connectors_SyncRuns",
                column: "ConnectionId",
                unique: true,
                filter: "\"Status\" IN ('Queued', 'Running')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SyncRuns_ConnectionId_Unfinished",
                table: "connectors_SyncRuns");
        }
    }
}
