using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class AddMemberVoucherIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_ProgramCode_MemberId",
                schema: "rewards",
                table: "Vouchers",
                columns: new[] { "ProgramCode", "MemberId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Vouchers_ProgramCode_MemberId",
                schema: "rewards",
                table: "Vouchers");
        }
    }
}
