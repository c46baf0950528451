using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class PurchaseAttributesAndQualifyingBonus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                schema: "members",
                table: "Transactions",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PaymentMethod",
                schema: "members",
                table: "Transactions",
                type: "nvarchar(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "QualifyingBonus",
                schema: "members",
                table: "Transactions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                schema: "members",
                table: "TransactionLines",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Brand",
                schema: "members",
                table: "TransactionLines",
                type: "nvarchar(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attributes",
                schema: "members",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "PaymentMethod",
                schema: "members",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "QualifyingBonus",
                schema: "members",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "Attributes",
                schema: "members",
                table: "TransactionLines");

            migrationBuilder.DropColumn(
                name: "Brand",
                schema: "members",
                table: "TransactionLines");
        }
    }
}
