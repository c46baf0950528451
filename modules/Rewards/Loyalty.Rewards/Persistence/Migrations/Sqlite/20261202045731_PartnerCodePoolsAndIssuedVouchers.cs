using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class PartnerCodePoolsAndIssuedVouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IssueReference",
                table: "rewards_Vouchers",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LowPoolSince",
                table: "rewards_Rewards",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LowPoolThreshold",
                table: "rewards_Rewards",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PartnerCodeId",
                table: "rewards_Redemptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "rewards_PartnerCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CodeHash = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    UploadId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RedemptionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevealedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_PartnerCodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rewards_PartnerCodeUploads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    UploadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_PartnerCodeUploads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Vouchers_ProgramCode_IssueReference",
                table: "rewards_Vouchers",
                columns: new[] { "ProgramCode", "IssueReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rewards_PartnerCodes_RedemptionId",
                table: "rewards_PartnerCodes",
                column: "RedemptionId");

            migrationBuilder.CreateIndex(
                name: "IX_rewards_PartnerCodes_RewardId_CodeHash",
                table: "rewards_PartnerCodes",
                columns: new[] { "RewardId", "CodeHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rewards_PartnerCodes_RewardId_Status_Id",
                table: "rewards_PartnerCodes",
                columns: new[] { "RewardId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_PartnerCodeUploads_RewardId_Sha256",
                table: "rewards_PartnerCodeUploads",
                columns: new[] { "RewardId", "Sha256" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rewards_PartnerCodes");

            migrationBuilder.DropTable(
                name: "rewards_PartnerCodeUploads");

            migrationBuilder.DropIndex(
                name: "IX_rewards_Vouchers_ProgramCode_IssueReference",
                table: "rewards_Vouchers");

            migrationBuilder.DropColumn(
                name: "IssueReference",
                table: "rewards_Vouchers");

            migrationBuilder.DropColumn(
                name: "LowPoolSince",
                table: "rewards_Rewards");

            migrationBuilder.DropColumn(
                name: "LowPoolThreshold",
                table: "rewards_Rewards");

            migrationBuilder.DropColumn(
                name: "PartnerCodeId",
                table: "rewards_Redemptions");
        }
    }
}
