using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class AddEarningRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EarningRules",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    LatestVersion = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EarningRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EarningRuleSetStamps",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Stamp = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EarningRuleSetStamps", x => x.Program);
                });

            migrationBuilder.CreateTable(
                name: "EarningRuleVersions",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RuleId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EarningRuleVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EarningRuleVersions_EarningRules_RuleId",
                        column: x => x.RuleId,
                        principalSchema: "campaigns",
                        principalTable: "EarningRules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EarningRules_Program_Status",
                schema: "campaigns",
                table: "EarningRules",
                columns: new[] { "Program", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_EarningRuleVersions_RuleId_Version",
                schema: "campaigns",
                table: "EarningRuleVersions",
                columns: new[] { "RuleId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EarningRuleSetStamps",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "EarningRuleVersions",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "EarningRules",
                schema: "campaigns");
        }
    }
}
