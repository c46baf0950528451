using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_SyncedRecords_MemberId",
                schema: "connectors",
                table: "SyncedRecords",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SyncedRecords_MemberId",
                schema: "connectors",
                table: "SyncedRecords");
        }
    }
}
