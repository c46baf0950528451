using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_LedgerEntries_MemberId",
                schema: "members",
                table: "LedgerEntries",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LedgerEntries_MemberId",
                schema: "members",
                table: "LedgerEntries");
        }
    }
}
