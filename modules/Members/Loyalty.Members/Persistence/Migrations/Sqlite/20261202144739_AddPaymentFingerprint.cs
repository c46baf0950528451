using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddPaymentFingerprint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PaymentFingerprintHash",
                table: "members_Transactions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_Transactions_ProgramId_PaymentFingerprintHash",
                table: "members_Transactions",
                columns: new[] { "ProgramId", "PaymentFingerprintHash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_members_Transactions_ProgramId_PaymentFingerprintHash",
                table: "members_Transactions");

            migrationBuilder.DropColumn(
                name: "PaymentFingerprintHash",
                table: "members_Transactions");
        }
    }
}
