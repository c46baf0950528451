using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddActivityAttributesAndReferralSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Attributes",
                schema: "campaigns",
                table: "Activities",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ReferralSettings",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    CompletionWindowDays = table.Column<int>(type: "int", nullable: false),
                    MonthlyCapPerReferrer = table.Column<int>(type: "int", nullable: false),
                    CheckSameContact = table.Column<bool>(type: "bit", nullable: false),
                    CheckPaymentFingerprint = table.Column<bool>(type: "bit", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferralSettings", x => x.Program);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReferralSettings",
                schema: "campaigns");

            migrationBuilder.DropColumn(
                name: "Attributes",
                schema: "campaigns",
                table: "Activities");
        }
    }
}
