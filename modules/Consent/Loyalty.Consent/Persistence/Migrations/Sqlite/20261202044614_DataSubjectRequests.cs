using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Consent.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class DataSubjectRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "consent_ExportArchives",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProtectedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeleteAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    LinkTokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    LinkExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DownloadedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DownloadedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DeletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_ExportArchives", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_Requests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SubjectContact = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Verification = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ExtendedDueOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ExtensionReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RejectionReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Assignee = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    FiledBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SuppressedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    WorkPending = table.Column<bool>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_Requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_SuppressionEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_SuppressionEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_RequestSteps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Report = table.Column<string>(type: "TEXT", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_RequestSteps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_consent_RequestSteps_consent_Requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "consent_Requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ExportArchives_DeleteAfter",
                table: "consent_ExportArchives",
                column: "DeleteAfter");

            migrationBuilder.CreateIndex(
                name: "IX_consent_ExportArchives_LinkTokenHash",
                table: "consent_ExportArchives",
                column: "LinkTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_ExportArchives_RequestId",
                table: "consent_ExportArchives",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_consent_Requests_DueOn",
                table: "consent_Requests",
                column: "DueOn");

            migrationBuilder.CreateIndex(
                name: "IX_consent_Requests_MemberId_Type",
                table: "consent_Requests",
                columns: new[] { "MemberId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_Requests_WorkPending",
                table: "consent_Requests",
                column: "WorkPending");

            migrationBuilder.CreateIndex(
                name: "IX_consent_RequestSteps_RequestId_Kind_Name",
                table: "consent_RequestSteps",
                columns: new[] { "RequestId", "Kind", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_SuppressionEntries_ProgramId_Hash",
                table: "consent_SuppressionEntries",
                columns: new[] { "ProgramId", "Hash" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_ExportArchives");

            migrationBuilder.DropTable(
                name: "consent_RequestSteps");

            migrationBuilder.DropTable(
                name: "consent_SuppressionEntries");

            migrationBuilder.DropTable(
                name: "consent_Requests");
        }
    }
}
