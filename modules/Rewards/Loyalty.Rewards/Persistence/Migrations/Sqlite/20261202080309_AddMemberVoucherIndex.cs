using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddMemberVoucherIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_rewards_Vouchers_ProgramCode_MemberId",
                table: "rewards_Vouchers",
                columns: new[] { "ProgramCode", "MemberId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rewards_Vouchers_ProgramCode_MemberId",
                table: "rewards_Vouchers");
        }
    }
}
