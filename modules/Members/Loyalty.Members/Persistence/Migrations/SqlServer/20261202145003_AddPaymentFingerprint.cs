using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddPaymentFingerprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PaymentFingerprintHash",
                schema: "members",
                table: "Transactions",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Transactions_ProgramId_PaymentFingerprintHash",
                schema: "members",
                table: "Transactions",
                columns: new[] { "ProgramId", "PaymentFingerprintHash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Transactions_ProgramId_PaymentFingerprintHash",
                schema: "members",
                table: "Transactions");

            migrationBuilder.DropColumn(
                name: "PaymentFingerprintHash",
                schema: "members",
                table: "Transactions");
        }
    }
}
