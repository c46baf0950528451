using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class MemberIndexesForErasureAndExport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Referrals_ReferredId",
                table: "campaigns_Referrals",
                column: "ReferredId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Referrals_ReferrerId",
                table: "campaigns_Referrals",
                column: "ReferrerId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ReferralCodes_MemberId",
                table: "campaigns_ReferralCodes",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignOutcomes_MemberId",
                table: "campaigns_CampaignOutcomes",
                column: "MemberId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaigns_Referrals_ReferredId",
                table: "campaigns_Referrals");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_Referrals_ReferrerId",
                table: "campaigns_Referrals");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_ReferralCodes_MemberId",
                table: "campaigns_ReferralCodes");

            migrationBuilder.DropIndex(
                name: "IX_campaigns_CampaignOutcomes_MemberId",
                table: "campaigns_CampaignOutcomes");
        }
    }
}
