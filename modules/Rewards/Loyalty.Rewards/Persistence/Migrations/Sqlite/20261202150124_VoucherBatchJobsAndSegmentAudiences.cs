using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Rewards.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class VoucherBatchJobsAndSegmentAudiences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "HashOnly",
                table: "rewards_VoucherBatches",
                newName: "CodeFormat_HashOnly");

            migrationBuilder.AddColumn<string>(
                name: "CodeFormat_Alphabet",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "CodeFormat_CheckCharacter",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "CodeFormat_Length",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "CodeFormat_Prefix",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CodesShownAt",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CompletedAt",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ExpiresAt",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Generated",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 30,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LockedBy",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LockedUntil",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxUses",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "MinimumSpend",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Percent",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                precision: 5,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProductSku",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "StartedAt",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "rewards_VoucherBatches",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Value",
                table: "rewards_VoucherBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AudienceSegments",
                table: "rewards_Rewards",
                type: "TEXT",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_rewards_VoucherBatches_Status",
                table: "rewards_VoucherBatches",
                column: "Status");

            // Batches made before batches became jobs were generated in their request and their codes returned in its answer.
            migrationBuilder.Sql("UPDATE \"rewards_VoucherBatches\" SET \"Status\" = 'Completed', \"Generated\" = \"Count\", \"CompletedAt\" = \"CreatedAt\", \"CodesShownAt\" = \"CreatedAt\", \"Kind\" = 'DiscountVoucher', \"MaxUses\" = 1 WHERE \"Status\" = ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_rewards_VoucherBatches_Status",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Alphabet",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_CheckCharacter",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Length",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodeFormat_Prefix",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CodesShownAt",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "CompletedAt",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "ExpiresAt",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Generated",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "MaxUses",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "MinimumSpend",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Percent",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "ProductSku",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "StartedAt",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "Value",
                table: "rewards_VoucherBatches");

            migrationBuilder.DropColumn(
                name: "AudienceSegments",
                table: "rewards_Rewards");

            migrationBuilder.RenameColumn(
                name: "CodeFormat_HashOnly",
                table: "rewards_VoucherBatches",
                newName: "HashOnly");
        }
    }
}
