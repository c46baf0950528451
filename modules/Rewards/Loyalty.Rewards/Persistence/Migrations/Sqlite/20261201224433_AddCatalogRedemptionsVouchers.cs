using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddCatalogRedemptionsVouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rewards_Redemptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    CashCoPay = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    UsagePeriods = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    StockTaken = table.Column<bool>(type: "INTEGER", nullable: false),
                    VoucherId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Fulfilment = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ReservedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_Redemptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rewards_Rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ImageUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    PointsCost = table.Column<long>(type: "INTEGER", nullable: false),
                    TierPointsCost = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CashCoPay = table.Column<long>(type: "INTEGER", nullable: false),
                    AvailableFrom = table.Column<long>(type: "INTEGER", nullable: true),
                    AvailableUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    Stock = table.Column<long>(type: "INTEGER", nullable: true),
                    LimitPerDay = table.Column<int>(type: "INTEGER", nullable: true),
                    LimitPerMonth = table.Column<int>(type: "INTEGER", nullable: true),
                    LimitLifetime = table.Column<int>(type: "INTEGER", nullable: true),
                    AudienceTiers = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: true),
                    Percent = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: true),
                    MinimumSpend = table.Column<long>(type: "INTEGER", nullable: true),
                    ProductSku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    VoucherValidDays = table.Column<int>(type: "INTEGER", nullable: true),
                    CodeFormat_Prefix = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    CodeFormat_Length = table.Column<int>(type: "INTEGER", nullable: false),
                    CodeFormat_Alphabet = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CodeFormat_CheckCharacter = table.Column<bool>(type: "INTEGER", nullable: false),
                    CodeFormat_HashOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_Rewards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rewards_RewardUsages",
                columns: table => new
                {
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Period = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_RewardUsages", x => new { x.RewardId, x.MemberId, x.Period });
                });

            migrationBuilder.CreateTable(
                name: "rewards_VoucherBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    HashOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_VoucherBatches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rewards_Vouchers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CodeHash = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    RewardId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RedemptionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BatchId = table.Column<Guid>(type: "TEXT", nullable: true),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: true),
                    Percent = table.Column<decimal>(type: "TEXT", precision: 5, scale: 2, nullable: true),
                    MinimumSpend = table.Column<long>(type: "INTEGER", nullable: true),
                    ProductSku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IssuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MaxUses = table.Column<int>(type: "INTEGER", nullable: false),
                    Uses = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_Vouchers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "rewards_VoucherUses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    VoucherId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BasketTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    Discount = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rewards_VoucherUses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Redemptions_MemberId_ReservedAt",
                table: "rewards_Redemptions",
                columns: new[] { "MemberId", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Redemptions_ProgramCode_ExternalId",
                table: "rewards_Redemptions",
                columns: new[] { "ProgramCode", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Redemptions_Status_ReservedAt",
                table: "rewards_Redemptions",
                columns: new[] { "Status", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Rewards_ProgramCode_Status",
                table: "rewards_Rewards",
                columns: new[] { "ProgramCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_rewards_VoucherBatches_ProgramCode_Code",
                table: "rewards_VoucherBatches",
                columns: new[] { "ProgramCode", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Vouchers_BatchId",
                table: "rewards_Vouchers",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Vouchers_ProgramCode_CodeHash",
                table: "rewards_Vouchers",
                columns: new[] { "ProgramCode", "CodeHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rewards_Vouchers_RedemptionId",
                table: "rewards_Vouchers",
                column: "RedemptionId");

            migrationBuilder.CreateIndex(
                name: "IX_rewards_VoucherUses_VoucherId_ExternalId",
                table: "rewards_VoucherUses",
                columns: new[] { "VoucherId", "ExternalId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rewards_Redemptions");

            migrationBuilder.DropTable(
                name: "rewards_Rewards");

            migrationBuilder.DropTable(
                name: "rewards_RewardUsages");

            migrationBuilder.DropTable(
                name: "rewards_VoucherBatches");

            migrationBuilder.DropTable(
                name: "rewards_Vouchers");

            migrationBuilder.DropTable(
                name: "rewards_VoucherUses");
        }
    }
}
