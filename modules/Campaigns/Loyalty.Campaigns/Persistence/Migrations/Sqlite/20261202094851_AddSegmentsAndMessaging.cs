using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddSegmentsAndMessaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigns_CampaignMessages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Address = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 35, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ClickedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UnsubscribedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_CampaignMessages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_Campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ConsentChannel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Segment = table.Column<string>(type: "TEXT", nullable: true),
                    DefaultLocale = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    VoucherTemplateId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TrackOpens = table.Column<bool>(type: "INTEGER", nullable: false),
                    TrackClicks = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScheduledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    AudienceCursor = table.Column<Guid>(type: "TEXT", nullable: true),
                    AudienceComplete = table.Column<bool>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LockedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_Campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_MessagingSettings",
                columns: table => new
                {
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    CapMessages = table.Column<int>(type: "INTEGER", nullable: false),
                    CapDays = table.Column<int>(type: "INTEGER", nullable: false),
                    QuietFrom = table.Column<TimeOnly>(type: "TEXT", nullable: true),
                    QuietUntil = table.Column<TimeOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_MessagingSettings", x => x.Program);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_SegmentChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Entered = table.Column<bool>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_SegmentChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_SegmentListEntries",
                columns: table => new
                {
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_SegmentListEntries", x => new { x.SegmentId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "campaigns_SegmentMembers",
                columns: table => new
                {
                    SegmentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_SegmentMembers", x => new { x.SegmentId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "campaigns_Segments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Program = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Conditions = table.Column<string>(type: "TEXT", nullable: true),
                    Marketing = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EvaluatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MemberCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Processed = table.Column<int>(type: "INTEGER", nullable: false),
                    Total = table.Column<int>(type: "INTEGER", nullable: false),
                    Entered = table.Column<int>(type: "INTEGER", nullable: false),
                    Left = table.Column<int>(type: "INTEGER", nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_Segments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaigns_CampaignContents",
                columns: table => new
                {
                    CampaignId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 35, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns_CampaignContents", x => new { x.CampaignId, x.Locale });
                    table.ForeignKey(
                        name: "FK_campaigns_CampaignContents_campaigns_Campaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "campaigns_Campaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_MemberId",
                table: "campaigns_CampaignMessages",
                columns: new[] { "CampaignId", "MemberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_CampaignId_Status",
                table: "campaigns_CampaignMessages",
                columns: new[] { "CampaignId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_MemberId",
                table: "campaigns_CampaignMessages",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_CampaignMessages_Program_MemberId_SentAt",
                table: "campaigns_CampaignMessages",
                columns: new[] { "Program", "MemberId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Campaigns_Program_CreatedAt",
                table: "campaigns_Campaigns",
                columns: new[] { "Program", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Campaigns_Status_ScheduledAt",
                table: "campaigns_Campaigns",
                columns: new[] { "Status", "ScheduledAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_SegmentChanges_MemberId",
                table: "campaigns_SegmentChanges",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_SegmentChanges_SegmentId_Id",
                table: "campaigns_SegmentChanges",
                columns: new[] { "SegmentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_SegmentListEntries_MemberId",
                table: "campaigns_SegmentListEntries",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_SegmentMembers_MemberId",
                table: "campaigns_SegmentMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Segments_Program_Code",
                table: "campaigns_Segments",
                columns: new[] { "Program", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_Segments_State_EvaluatedAt",
                table: "campaigns_Segments",
                columns: new[] { "State", "EvaluatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigns_CampaignContents");

            migrationBuilder.DropTable(
                name: "campaigns_CampaignMessages");

            migrationBuilder.DropTable(
                name: "campaigns_MessagingSettings");

            migrationBuilder.DropTable(
                name: "campaigns_SegmentChanges");

            migrationBuilder.DropTable(
                name: "campaigns_SegmentListEntries");

            migrationBuilder.DropTable(
                name: "campaigns_SegmentMembers");

            migrationBuilder.DropTable(
                name: "campaigns_Segments");

            migrationBuilder.DropTable(
                name: "campaigns_Campaigns");
        }
    }
}
