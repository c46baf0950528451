using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_connectors_SyncedRecords_MemberId",
                table: "connectors_SyncedRecords",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_connectors_SyncedRecords_MemberId",
                table: "connectors_SyncedRecords");
        }
    }
}
