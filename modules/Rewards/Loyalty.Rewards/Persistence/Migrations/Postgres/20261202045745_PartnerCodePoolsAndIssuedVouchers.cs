using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class PartnerCodePoolsAndIssuedVouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "IssueReference",
                schema: "rewards",
                table: "Vouchers",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LowPoolSince",
                schema: "rewards",
                table: "Rewards",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LowPoolThreshold",
                schema: "rewards",
                table: "Rewards",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "PartnerCodeId",
                schema: "rewards",
                table: "Redemptions",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PartnerCodes",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RewardId = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CodeHash = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    UploadId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RedemptionId = table.Column<Guid>(type: "uuid", nullable: true),
                    AssignedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevealedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerCodes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PartnerCodeUploads",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RewardId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    UploadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PartnerCodeUploads", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_ProgramCode_IssueReference",
                schema: "rewards",
                table: "Vouchers",
                columns: new[] { "ProgramCode", "IssueReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerCodes_RedemptionId",
                schema: "rewards",
                table: "PartnerCodes",
                column: "RedemptionId");

            migrationBuilder.CreateIndex(
                name: "IX_PartnerCodes_RewardId_CodeHash",
                schema: "rewards",
                table: "PartnerCodes",
                columns: new[] { "RewardId", "CodeHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PartnerCodes_RewardId_Status_Id",
                schema: "rewards",
                table: "PartnerCodes",
                columns: new[] { "RewardId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PartnerCodeUploads_RewardId_Sha256",
                schema: "rewards",
                table: "PartnerCodeUploads",
                columns: new[] { "RewardId", "Sha256" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PartnerCodes",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "PartnerCodeUploads",
                schema: "rewards");

            migrationBuilder.DropIndex(
                name: "IX_Vouchers_ProgramCode_IssueReference",
                schema: "rewards",
                table: "Vouchers");

            migrationBuilder.DropColumn(
                name: "IssueReference",
                schema: "rewards",
                table: "Vouchers");

            migrationBuilder.DropColumn(
                name: "LowPoolSince",
                schema: "rewards",
                table: "Rewards");

            migrationBuilder.DropColumn(
                name: "LowPoolThreshold",
                schema: "rewards",
                table: "Rewards");

            migrationBuilder.DropColumn(
                name: "PartnerCodeId",
                schema: "rewards",
                table: "Redemptions");
        }
    }
}
