using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Administration.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddApiKeyPrograms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Programs",
                table: "admin_ApiKeys",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Programs",
                table: "admin_ApiKeys");
        }
    }
}
