using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddActivityAttributesAndReferralSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                table: "campaigns_Activities",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "campaigns_ReferralSettings",
                columns: table => new
                {
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    CompletionWindowDays = table.Column<int>(type: "INTEGER", nullable: false),
                    MonthlyCapPerReferrer = table.Column<int>(type: "INTEGER", nullable: false),
                    CheckSameContact = table.Column<bool>(type: "INTEGER", nullable: false),
                    CheckPaymentFingerprint = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_ReferralSettings", x => x.Program);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_ReferralSettings");

            migrationBuilder.DropColumn(
                name: "Attributes",
                table: "campaigns_Activities");
        }
    }
}
