using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddCatalogRedemptionsVouchers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Redemptions",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramCode = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    RewardId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Points = table.Column<long>(type: "bigint", nullable: false),
                    CashCoPay = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    FailureReason = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: true),
                    UsagePeriods = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    StockTaken = table.Column<bool>(type: "bit", nullable: false),
                    VoucherId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Fulfilment = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    ReservedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    CancelledAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Redemptions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Rewards",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramCode = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ImageUrl = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    Category = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    Kind = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    PointsCost = table.Column<long>(type: "bigint", nullable: false),
                    TierPointsCost = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    CashCoPay = table.Column<long>(type: "bigint", nullable: false),
                    AvailableFrom = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    AvailableUntil = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    Stock = table.Column<long>(type: "bigint", nullable: true),
                    LimitPerDay = table.Column<int>(type: "int", nullable: true),
                    LimitPerMonth = table.Column<int>(type: "int", nullable: true),
                    LimitLifetime = table.Column<int>(type: "int", nullable: true),
                    AudienceTiers = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: true),
                    Percent = table.Column<decimal>(type: "decimal(5,2)", precision: 5, scale: 2, nullable: true),
                    MinimumSpend = table.Column<long>(type: "bigint", nullable: true),
                    ProductSku = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    VoucherValidDays = table.Column<int>(type: "int", nullable: true),
                    CodeFormat_Prefix = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    CodeFormat_Length = table.Column<int>(type: "int", nullable: false),
                    CodeFormat_Alphabet = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CodeFormat_CheckCharacter = table.Column<bool>(type: "bit", nullable: false),
                    CodeFormat_HashOnly = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rewards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RewardUsages",
                schema: "rewards",
                columns: table => new
                {
                    RewardId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Period = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RewardUsages", x => new { x.RewardId, x.MemberId, x.Period });
                });

            migrationBuilder.CreateTable(
                name: "VoucherBatches",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramCode = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    HashOnly = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VoucherBatches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Vouchers",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramCode = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    CodeHash = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    RewardId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    RedemptionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    BatchId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Kind = table.Column<string>(type: "nvarchar(30)", maxLength: 30, nullable: false),
                    Value = table.Column<long>(type: "bigint", nullable: true),
                    Percent = table.Column<decimal>(type: "decimal(5,2)", precision: 5, scale: 2, nullable: true),
                    MinimumSpend = table.Column<long>(type: "bigint", nullable: true),
                    ProductSku = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    IssuedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    MaxUses = table.Column<int>(type: "int", nullable: false),
                    Uses = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Vouchers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VoucherUses",
                schema: "rewards",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    VoucherId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    BasketTotal = table.Column<long>(type: "bigint", nullable: false),
                    Discount = table.Column<long>(type: "bigint", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VoucherUses", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Redemptions_MemberId_ReservedAt",
                schema: "rewards",
                table: "Redemptions",
                columns: new[] { "MemberId", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Redemptions_ProgramCode_ExternalId",
                schema: "rewards",
                table: "Redemptions",
                columns: new[] { "ProgramCode", "ExternalId" },
                unique: true,
                filter: "[ExternalId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Redemptions_Status_ReservedAt",
                schema: "rewards",
                table: "Redemptions",
                columns: new[] { "Status", "ReservedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Rewards_ProgramCode_Status",
                schema: "rewards",
                table: "Rewards",
                columns: new[] { "ProgramCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_VoucherBatches_ProgramCode_Code",
                schema: "rewards",
                table: "VoucherBatches",
                columns: new[] { "ProgramCode", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_BatchId",
                schema: "rewards",
                table: "Vouchers",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_ProgramCode_CodeHash",
                schema: "rewards",
                table: "Vouchers",
                columns: new[] { "ProgramCode", "CodeHash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Vouchers_RedemptionId",
                schema: "rewards",
                table: "Vouchers",
                column: "RedemptionId");

            migrationBuilder.CreateIndex(
                name: "IX_VoucherUses_VoucherId_ExternalId",
                schema: "rewards",
                table: "VoucherUses",
                columns: new[] { "VoucherId", "ExternalId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Redemptions",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "Rewards",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "RewardUsages",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "VoucherBatches",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "Vouchers",
                schema: "rewards");

            migrationBuilder.DropTable(
                name: "VoucherUses",
                schema: "rewards");
        }
    }
}
