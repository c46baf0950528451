using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ReferredId",
                schema: "campaigns",
                table: "Referrals",
                column: "ReferredId");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ReferrerId",
                schema: "campaigns",
                table: "Referrals",
                column: "ReferrerId");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralCodes_MemberId",
                schema: "campaigns",
                table: "ReferralCodes",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignOutcomes_MemberId",
                schema: "campaigns",
                table: "CampaignOutcomes",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Referrals_ReferredId",
                schema: "campaigns",
                table: "Referrals");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_ReferrerId",
                schema: "campaigns",
                table: "Referrals");

            migrationBuilder.DropIndex(
                name: "IX_ReferralCodes_MemberId",
                schema: "campaigns",
                table: "ReferralCodes");

            migrationBuilder.DropIndex(
                name: "IX_CampaignOutcomes_MemberId",
                schema: "campaigns",
                table: "CampaignOutcomes");
        }
    }
}
