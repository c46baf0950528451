using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Postgres
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "HeldTransactions",
                schema: "members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    IdentifierKind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    IdentifierValue = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Request = table.Column<string>(type: "text", nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeldAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimableUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimedByMemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
