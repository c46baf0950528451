using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddReferrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns_ReferralCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_ReferralCodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_Referrals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ReferrerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReferredId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompleteBy = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_Referrals", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ReferralCodes_Program_Code",
                table: "campaigns_ReferralCodes",
                columns: new[] { "Program", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ReferralCodes_Program_MemberId",
                table: "campaigns_ReferralCodes",
                columns: new[] { "Program", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Referrals_Program_ReferredId",
                table: "campaigns_Referrals",
                columns: new[] { "Program", "ReferredId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Referrals_Program_ReferrerId_CreatedAt",
                table: "campaigns_Referrals",
                columns: new[] { "Program", "ReferrerId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_ReferralCodes");

            migrationBuilder.DropTable(
                name: "campaigns_Referrals");
        }
    }
}
