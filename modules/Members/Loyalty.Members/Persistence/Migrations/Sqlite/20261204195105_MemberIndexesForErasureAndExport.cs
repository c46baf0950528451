using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_members_LedgerEntries_MemberId",
                table: "members_LedgerEntries",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_members_LedgerEntries_MemberId",
                table: "members_LedgerEntries");
        }
    }
}
