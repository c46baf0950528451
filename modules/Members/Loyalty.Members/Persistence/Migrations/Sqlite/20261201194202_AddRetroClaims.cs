using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddRetroClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RetroClaimDays",
                table: "members_Programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "members_HeldTransactions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    IdentifierKind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    IdentifierValue = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Request = table.Column<string>(type: "TEXT", nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HeldAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimableUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    ClaimedByMemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ClaimedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_HeldTransactions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_members_HeldTransactions_ClaimableUntil",
                table: "members_HeldTransactions",
                column: "ClaimableUntil");

            migrationBuilder.CreateIndex(
                name: "IX_members_HeldTransactions_ProgramId_ExternalId",
                table: "members_HeldTransactions",
                columns: new[] { "ProgramId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_HeldTransactions_ProgramId_IdentifierKind_IdentifierValue",
                table: "members_HeldTransactions",
                columns: new[] { "ProgramId", "IdentifierKind", "IdentifierValue" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "members_HeldTransactions");

            migrationBuilder.DropColumn(
                name: "RetroClaimDays",
                table: "members_Programs");
        }
    }
}
