using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Administration.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class AddApiKeyPrograms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "Programs",
                schema: "admin",
                table: "ApiKeys",
                type: "text[]",
                nullable: false,
                // Keys made before scopes existed keep acting on every program (an empty list); EF gave no default here.
                defaultValueSql: "ARRAY[]::text[]");
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
