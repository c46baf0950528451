using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Consent.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class DataSubjectRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ExportArchives",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    FileName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProtectedKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DeleteAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LinkTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    LinkExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DownloadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DownloadedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DeletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportArchives", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Requests",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    SubjectContact = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Verification = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: false),
                    ExtendedDueOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ExtensionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RejectionReason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Assignee = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Notes = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    FiledBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SuppressedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    WorkPending = table.Column<bool>(type: "boolean", nullable: false),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Requests", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SuppressionEntries",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SuppressionEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RequestSteps",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Report = table.Column<string>(type: "text", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestSteps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RequestSteps_Requests_RequestId",
                        column: x => x.RequestId,
                        principalSchema: "consent",
                        principalTable: "Requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExportArchives_DeleteAfter",
                schema: "consent",
                table: "ExportArchives",
                column: "DeleteAfter");

            migrationBuilder.CreateIndex(
                name: "IX_ExportArchives_LinkTokenHash",
                schema: "consent",
                table: "ExportArchives",
                column: "LinkTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExportArchives_RequestId",
                schema: "consent",
                table: "ExportArchives",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_Requests_DueOn",
                schema: "consent",
                table: "Requests",
                column: "DueOn");

            migrationBuilder.CreateIndex(
                name: "IX_Requests_MemberId_Type",
                schema: "consent",
                table: "Requests",
                columns: new[] { "MemberId", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_WorkPending",
                schema: "consent",
                table: "Requests",
                column: "WorkPending");

            migrationBuilder.CreateIndex(
                name: "IX_RequestSteps_RequestId_Kind_Name",
                schema: "consent",
                table: "RequestSteps",
                columns: new[] { "RequestId", "Kind", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SuppressionEntries_ProgramId_Hash",
                schema: "consent",
                table: "SuppressionEntries",
                columns: new[] { "ProgramId", "Hash" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExportArchives",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "RequestSteps",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "SuppressionEntries",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "Requests",
                schema: "consent");
        }
    }
}
