using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class VoucherBatchJobsAndSegmentAudiences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "HashOnly",
                schema: "rewards",
                table: "VoucherBatches",
                newName: "CodeFormat_HashOnly");

            migrationBuilder.AddColumn<string>(
                name: "CodeFormat_Alphabet",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "CodeFormat_CheckCharacter",
                schema: "rewards",
                table: "VoucherBatches",
                type: "bit",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "CodeFormat_Length",
                schema: "rewards",
                table: "VoucherBatches",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CodeFormat_Prefix",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CodesShownAt",
                schema: "rewards",
                table: "VoucherBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "CompletedAt",
                schema: "rewards",
                table: "VoucherBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ExpiresAt",
                schema: "rewards",
                table: "VoucherBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Generated",
                schema: "rewards",
                table: "VoucherBatches",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(30)",
                maxLength: 30,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LockedBy",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LockedUntil",
                schema: "rewards",
                table: "VoucherBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxUses",
                schema: "rewards",
                table: "VoucherBatches",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "MinimumSpend",
                schema: "rewards",
                table: "VoucherBatches",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Percent",
                schema: "rewards",
                table: "VoucherBatches",
                type: "decimal(5,2)",
                precision: 5,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProductSku",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StartedAt",
                schema: "rewards",
                table: "VoucherBatches",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                schema: "rewards",
                table: "VoucherBatches",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Value",
                schema: "rewards",
                table: "VoucherBatches",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AudienceSegments",
                schema: "rewards",
                table: "Rewards",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_VoucherBatches_Status",
                schema: "rewards",
                table: "VoucherBatches",
                column: "Status");

            // Batches made before batches became jobs were generated in their request and their codes returned in its answer.
            migrationBuilder.Sql("UPDATE [rewards].[VoucherBatches] SET [Status] = 'Completed', [Generated] = [Count], [CompletedAt] = [CreatedAt], [CodesShownAt] = [CreatedAt], [Kind] = 'DiscountVoucher', [MaxUses] = 1 WHERE [Status] = ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_VoucherBatches_Status",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Alphabet",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_CheckCharacter",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Length",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Prefix",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodesShownAt",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Generated",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Kind",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "MaxUses",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "MinimumSpend",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Percent",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "ProductSku",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Status",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Value",
                schema: "rewards",
                table: "VoucherBatches");

            migrationBuilder.DropColumn(
                name: "AudienceSegments",
                schema: "rewards",
                table: "Rewards");

            migrationBuilder.RenameColumn(
                name: "CodeFormat_HashOnly",
                schema: "rewards",
                table: "VoucherBatches",
                newName: "HashOnly");
        }
    }
}
