using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddRetroClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RetroClaimDays",
                schema: "members",
                table: "Programs",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "HeldTransactions",
                schema: "members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ExternalId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    IdentifierKind = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    IdentifierValue = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Request = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    RequestHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    HeldAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ClaimableUntil = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ClaimedByMemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HeldTransactions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HeldTransactions_ClaimableUntil",
                schema: "members",
                table: "HeldTransactions",
                column: "ClaimableUntil");

            migrationBuilder.CreateIndex(
                name: "IX_HeldTransactions_ProgramId_ExternalId",
                schema: "members",
                table: "HeldTransactions",
                columns: new[] { "ProgramId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HeldTransactions_ProgramId_IdentifierKind_IdentifierValue",
                schema: "members",
                table: "HeldTransactions",
                columns: new[] { "ProgramId", "IdentifierKind", "IdentifierValue" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HeldTransactions",
                schema: "members");

            migrationBuilder.DropColumn(
                name: "RetroClaimDays",
                schema: "members",
                table: "Programs");
        }
    }
}
