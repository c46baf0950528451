using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddEarningRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns_EarningRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    LatestVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_EarningRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_EarningRuleSetStamps",
                columns: table => new
                {
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Stamp = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_EarningRuleSetStamps", x => x.Program);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_EarningRuleVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_EarningRuleVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_campaigns_EarningRuleVersions_campaigns_EarningRules_RuleId",
                        column: x => x.RuleId,
                        principalTable: "campaigns_EarningRules",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_EarningRules_Program_Status",
                table: "campaigns_EarningRules",
                columns: new[] { "Program", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_EarningRuleVersions_RuleId_Version",
                table: "campaigns_EarningRuleVersions",
                columns: new[] { "RuleId", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_EarningRuleSetStamps");

            migrationBuilder.DropTable(
                name: "campaigns_EarningRuleVersions");

            migrationBuilder.DropTable(
                name: "campaigns_EarningRules");
        }
    }
}
