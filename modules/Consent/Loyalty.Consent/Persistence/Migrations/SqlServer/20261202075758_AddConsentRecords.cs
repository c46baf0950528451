using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Consent.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class AddConsentRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProcessingMarks",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    RequestId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MarkedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    MarkedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    LiftedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LiftedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    LiftReason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessingMarks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Purposes",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LatestVersion = table.Column<int>(type: "int", nullable: false),
                    ValidFromVersion = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Purposes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ConsentRecords",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    MemberId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    PurposeId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    PurposeKey = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Channel = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Granted = table.Column<bool>(type: "bit", nullable: false),
                    TextVersion = table.Column<int>(type: "int", nullable: true),
                    Locale = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    OccurredAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Source = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    IpAddress = table.Column<string>(type: "nvarchar(45)", maxLength: 45, nullable: true),
                    FormId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    ExternalId = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    RecordedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsentRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsentRecords_Purposes_PurposeId",
                        column: x => x.PurposeId,
                        principalSchema: "consent",
                        principalTable: "Purposes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsentTexts",
                schema: "consent",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    PurposeId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Locale = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Text = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false),
                    MaterialChange = table.Column<bool>(type: "bit", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    PublishedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsentTexts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsentTexts_Purposes_PurposeId",
                        column: x => x.PurposeId,
                        principalSchema: "consent",
                        principalTable: "Purposes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_MemberId_PurposeKey_OccurredAt",
                schema: "consent",
                table: "ConsentRecords",
                columns: new[] { "MemberId", "PurposeKey", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_ProgramId_ExternalId",
                schema: "consent",
                table: "ConsentRecords",
                columns: new[] { "ProgramId", "ExternalId" },
                unique: true,
                filter: "[ExternalId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ConsentRecords_PurposeId_TextVersion",
                schema: "consent",
                table: "ConsentRecords",
                columns: new[] { "PurposeId", "TextVersion" });

            migrationBuilder.CreateIndex(
                name: "IX_ConsentTexts_PurposeId_Version_Locale",
                schema: "consent",
                table: "ConsentTexts",
                columns: new[] { "PurposeId", "Version", "Locale" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ProcessingMarks_MemberId_LiftedAt",
                schema: "consent",
                table: "ProcessingMarks",
                columns: new[] { "MemberId", "LiftedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessingMarks_ProgramId_LiftedAt",
                schema: "consent",
                table: "ProcessingMarks",
                columns: new[] { "ProgramId", "LiftedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessingMarks_RequestId",
                schema: "consent",
                table: "ProcessingMarks",
                column: "RequestId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Purposes_ProgramId_Key",
                schema: "consent",
                table: "Purposes",
                columns: new[] { "ProgramId", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConsentRecords",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "ConsentTexts",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "ProcessingMarks",
                schema: "consent");

            migrationBuilder.DropTable(
                name: "Purposes",
                schema: "consent");
        }
    }
}
