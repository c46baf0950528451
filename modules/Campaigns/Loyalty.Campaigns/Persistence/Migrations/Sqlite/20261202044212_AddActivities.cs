using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddActivities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns_Activities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 90, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    Rules = table.Column<string>(type: "TEXT", nullable: false),
                    Credited = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_Activities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_ActivityTypes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_ActivityTypes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_PendingActivities",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 90, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_PendingActivities", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Activities_MemberId",
                table: "campaigns_Activities",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Activities_Program_ExternalId",
                table: "campaigns_Activities",
                columns: new[] { "Program", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ActivityTypes_Program_Code",
                table: "campaigns_ActivityTypes",
                columns: new[] { "Program", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_PendingActivities_Program_ExternalId",
                table: "campaigns_PendingActivities",
                columns: new[] { "Program", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_PendingActivities_QueuedAt",
                table: "campaigns_PendingActivities",
                column: "QueuedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_Activities");

            migrationBuilder.DropTable(
                name: "campaigns_ActivityTypes");

            migrationBuilder.DropTable(
                name: "campaigns_PendingActivities");
        }
    }
}
