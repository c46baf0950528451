using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddTiers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "members_MemberTiers",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TierCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false),
                    NextEvaluationAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastEvaluatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_MemberTiers", x => x.MemberId);
                    table.ForeignKey(
                        name: "FK_members_MemberTiers_members_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members_Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "members_TierHistory",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FromTier = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    ToTier = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    QualifyingValue = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_TierHistory", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_TierSettings",
                columns: table => new
                {
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Basis = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    MaxLevelsDown = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_TierSettings", x => x.ProgramId);
                });

            migrationBuilder.CreateTable(
                name: "members_Tiers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Rank = table.Column<int>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<long>(type: "INTEGER", nullable: false),
                    EarningMultiplier = table.Column<decimal>(type: "TEXT", precision: 9, scale: 4, nullable: false),
                    Benefits = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_Tiers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_members_Tiers_members_TierSettings_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "members_TierSettings",
                        principalColumn: "ProgramId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_members_MemberTiers_ProgramId_NextEvaluationAt",
                table: "members_MemberTiers",
                columns: new[] { "ProgramId", "NextEvaluationAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_MemberTiers_ProgramId_TierCode",
                table: "members_MemberTiers",
                columns: new[] { "ProgramId", "TierCode" });

            migrationBuilder.CreateIndex(
                name: "IX_members_TierHistory_MemberId_At",
                table: "members_TierHistory",
                columns: new[] { "MemberId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_members_Tiers_ProgramId_Code",
                table: "members_Tiers",
                columns: new[] { "ProgramId", "Code" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "members_MemberTiers");

            migrationBuilder.DropTable(
                name: "members_TierHistory");

            migrationBuilder.DropTable(
                name: "members_Tiers");

            migrationBuilder.DropTable(
                name: "members_TierSettings");
        }
    }
}
