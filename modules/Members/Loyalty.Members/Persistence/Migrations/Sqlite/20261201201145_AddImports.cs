using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "members_ImportJobs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Format = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    FilePath = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    FileSize = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RowsRead = table.Column<long>(type: "INTEGER", nullable: false),
                    RowsSucceeded = table.Column<long>(type: "INTEGER", nullable: false),
                    RowsSkipped = table.Column<long>(type: "INTEGER", nullable: false),
                    RowsFailed = table.Column<long>(type: "INTEGER", nullable: false),
                    CheckpointLine = table.Column<long>(type: "INTEGER", nullable: false),
                    BytesDone = table.Column<long>(type: "INTEGER", nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LockedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_ImportJobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_ImportRowErrors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    JobId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LineNumber = table.Column<long>(type: "INTEGER", nullable: false),
                    Field = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_ImportRowErrors", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_members_ImportJobs_ProgramId_Kind_Sha256",
                table: "members_ImportJobs",
                columns: new[] { "ProgramId", "Kind", "Sha256" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_ImportJobs_Status",
                table: "members_ImportJobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_members_ImportRowErrors_JobId_LineNumber",
                table: "members_ImportRowErrors",
                columns: new[] { "JobId", "LineNumber" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "members_ImportJobs");

            migrationBuilder.DropTable(
                name: "members_ImportRowErrors");
        }
    }
}
