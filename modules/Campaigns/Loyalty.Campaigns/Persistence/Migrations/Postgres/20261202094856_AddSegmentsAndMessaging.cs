using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class AddSegmentsAndMessaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CampaignMessages",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Locale = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ClickedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UnsubscribedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Campaigns",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ConsentChannel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Segment = table.Column<string>(type: "text", nullable: true),
                    DefaultLocale = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: false),
                    VoucherTemplateId = table.Column<Guid>(type: "uuid", nullable: true),
                    TrackOpens = table.Column<bool>(type: "boolean", nullable: false),
                    TrackClicks = table.Column<bool>(type: "boolean", nullable: false),
                    ScheduledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AudienceCursor = table.Column<Guid>(type: "uuid", nullable: true),
                    AudienceComplete = table.Column<bool>(type: "boolean", nullable: false),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MessagingSettings",
                schema: "campaigns",
                columns: table => new
                {
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    CapMessages = table.Column<int>(type: "integer", nullable: false),
                    CapDays = table.Column<int>(type: "integer", nullable: false),
                    QuietFrom = table.Column<TimeOnly>(type: "time without time zone", nullable: true),
                    QuietUntil = table.Column<TimeOnly>(type: "time without time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessagingSettings", x => x.Program);
                });

            migrationBuilder.CreateTable(
                name: "SegmentChanges",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SegmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Entered = table.Column<bool>(type: "boolean", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SegmentListEntries",
                schema: "campaigns",
                columns: table => new
                {
                    SegmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentListEntries", x => new { x.SegmentId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "SegmentMembers",
                schema: "campaigns",
                columns: table => new
                {
                    SegmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentMembers", x => new { x.SegmentId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "Segments",
                schema: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Program = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Conditions = table.Column<string>(type: "text", nullable: true),
                    Marketing = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EvaluatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MemberCount = table.Column<int>(type: "integer", nullable: false),
                    Processed = table.Column<int>(type: "integer", nullable: false),
                    Total = table.Column<int>(type: "integer", nullable: false),
                    Entered = table.Column<int>(type: "integer", nullable: false),
                    Left = table.Column<int>(type: "integer", nullable: false),
                    FailureReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Segments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CampaignContents",
                schema: "campaigns",
                columns: table => new
                {
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    Locale = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: false),
                    Subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignContents", x => new { x.CampaignId, x.Locale });
                    table.ForeignKey(
                        name: "FK_CampaignContents_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalSchema: "campaigns",
                        principalTable: "Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_CampaignId_MemberId",
                schema: "campaigns",
                table: "CampaignMessages",
                columns: new[] { "CampaignId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_CampaignId_Status",
                schema: "campaigns",
                table: "CampaignMessages",
                columns: new[] { "CampaignId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_MemberId",
                schema: "campaigns",
                table: "CampaignMessages",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_CampaignMessages_Program_MemberId_SentAt",
                schema: "campaigns",
                table: "CampaignMessages",
                columns: new[] { "Program", "MemberId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_Program_CreatedAt",
                schema: "campaigns",
                table: "Campaigns",
                columns: new[] { "Program", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Campaigns_Status_ScheduledAt",
                schema: "campaigns",
                table: "Campaigns",
                columns: new[] { "Status", "ScheduledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentChanges_MemberId",
                schema: "campaigns",
                table: "SegmentChanges",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentChanges_SegmentId_Id",
                schema: "campaigns",
                table: "SegmentChanges",
                columns: new[] { "SegmentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentListEntries_MemberId",
                schema: "campaigns",
                table: "SegmentListEntries",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentMembers_MemberId",
                schema: "campaigns",
                table: "SegmentMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Segments_Program_Code",
                schema: "campaigns",
                table: "Segments",
                columns: new[] { "Program", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Segments_State_EvaluatedAt",
                schema: "campaigns",
                table: "Segments",
                columns: new[] { "State", "EvaluatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignContents",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "CampaignMessages",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "MessagingSettings",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "SegmentChanges",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "SegmentListEntries",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "SegmentMembers",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "Segments",
                schema: "campaigns");

            migrationBuilder.DropTable(
                name: "Campaigns",
                schema: "campaigns");
        }
    }
}
