using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Administration.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddApiKeyPrograms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Programs",
                schema: "admin",
                table: "ApiKeys",
                type: "nvarchar(max)",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Programs",
                schema: "admin",
                table: "ApiKeys");
        }
    }
}
