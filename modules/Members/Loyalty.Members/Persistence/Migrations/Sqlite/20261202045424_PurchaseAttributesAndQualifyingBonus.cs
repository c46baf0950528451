using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class PurchaseAttributesAndQualifyingBonus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "members_Transactions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PaymentMethod",
                table: "members_Transactions",
                type: "TEXT",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "QualifyingBonus",
                table: "members_Transactions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "members_TransactionLines",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Brand",
                table: "members_TransactionLines",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "members_Transactions");

            migrationBuilder.DropColumn(
                name: "PaymentMethod",
                table: "members_Transactions");

            migrationBuilder.DropColumn(
                name: "QualifyingBonus",
                table: "members_Transactions");

            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "members_TransactionLines");

            migrationBuilder.DropColumn(
                name: "Brand",
                table: "members_TransactionLines");
        }
    }
}
