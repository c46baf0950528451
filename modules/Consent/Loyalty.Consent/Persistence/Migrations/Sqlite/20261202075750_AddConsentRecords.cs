using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Consent.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddConsentRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "consent_ProcessingMarks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    RequestId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MarkedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    MarkedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LiftedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LiftedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LiftReason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_ProcessingMarks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_Purposes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LatestVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidFromVersion = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_Purposes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_ConsentRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PurposeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PurposeKey = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Granted = table.Column<bool>(type: "INTEGER", nullable: false),
                    TextVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 45, nullable: true),
                    FormId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_ConsentRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_consent_ConsentRecords_consent_Purposes_PurposeId",
                        column: x => x.PurposeId,
                        principalTable: "consent_Purposes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "consent_ConsentTexts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PurposeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    MaterialChange = table.Column<bool>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PublishedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_ConsentTexts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_consent_ConsentTexts_consent_Purposes_PurposeId",
                        column: x => x.PurposeId,
                        principalTable: "consent_Purposes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ConsentRecords_MemberId_PurposeKey_OccurredAt",
                table: "consent_ConsentRecords",
                columns: new[] { "MemberId", "PurposeKey", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ConsentRecords_ProgramId_ExternalId",
                table: "consent_ConsentRecords",
                columns: new[] { "ProgramId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_ConsentRecords_PurposeId_TextVersion",
                table: "consent_ConsentRecords",
                columns: new[] { "PurposeId", "TextVersion" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ConsentTexts_PurposeId_Version_Locale",
                table: "consent_ConsentTexts",
                columns: new[] { "PurposeId", "Version", "Locale" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_ProcessingMarks_MemberId_LiftedAt",
                table: "consent_ProcessingMarks",
                columns: new[] { "MemberId", "LiftedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ProcessingMarks_ProgramId_LiftedAt",
                table: "consent_ProcessingMarks",
                columns: new[] { "ProgramId", "LiftedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_ProcessingMarks_RequestId",
                table: "consent_ProcessingMarks",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_Purposes_ProgramId_Key",
                table: "consent_Purposes",
                columns: new[] { "ProgramId", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_ConsentRecords");

            migrationBuilder.DropTable(
                name: "consent_ConsentTexts");

            migrationBuilder.DropTable(
                name: "consent_ProcessingMarks");

            migrationBuilder.DropTable(
                name: "consent_Purposes");
        }
    }
}
