using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class FixAddressTableOnSqlite : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Address_City",
                table: "members_Members",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Country",
                table: "members_Members",
                type: "TEXT",
                maxLength: 2,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Line1",
                table: "members_Members",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_Line2",
                table: "members_Members",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Address_PostalCode",
                table: "members_Members",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            // The address used to sit in a table of its own on SQLite (an owned type prefixed twice); keep every value.
            migrationBuilder.Sql("""
                UPDATE "members_Members" SET
                    "Address_Line1" = (SELECT a."Line1" FROM "members_members_Members" a WHERE a."MemberId" = "members_Members"."Id"),
                    "Address_Line2" = (SELECT a."Line2" FROM "members_members_Members" a WHERE a."MemberId" = "members_Members"."Id"),
                    "Address_PostalCode" = (SELECT a."PostalCode" FROM "members_members_Members" a WHERE a."MemberId" = "members_Members"."Id"),
                    "Address_City" = (SELECT a."City" FROM "members_members_Members" a WHERE a."MemberId" = "members_Members"."Id"),
                    "Address_Country" = (SELECT a."Country" FROM "members_members_Members" a WHERE a."MemberId" = "members_Members"."Id");
                """);

            migrationBuilder.DropTable(
                name: "members_members_Members");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "members_members_Members",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    Line1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Line2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_members_Members", x => x.MemberId);
                    table.ForeignKey(
                        name: "FK_members_members_Members_members_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members_Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.Sql("""
                INSERT INTO "members_members_Members" ("MemberId", "Line1", "Line2", "PostalCode", "City", "Country")
                SELECT "Id", "Address_Line1", "Address_Line2", "Address_PostalCode", "Address_City", "Address_Country" FROM "members_Members";
                """);

            migrationBuilder.DropColumn(
                name: "Address_City",
                table: "members_Members");

            migrationBuilder.DropColumn(
                name: "Address_Country",
                table: "members_Members");

            migrationBuilder.DropColumn(
                name: "Address_Line1",
                table: "members_Members");

            migrationBuilder.DropColumn(
                name: "Address_Line2",
                table: "members_Members");

            migrationBuilder.DropColumn(
                name: "Address_PostalCode",
                table: "members_Members");

        }
    }
}
