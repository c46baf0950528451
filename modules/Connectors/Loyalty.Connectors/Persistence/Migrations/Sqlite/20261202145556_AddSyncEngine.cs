using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddSyncEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "connectors_ConnectionErasures",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_ConnectionErasures", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "connectors_DeadLetters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RecordKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ErrorMessage = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_DeadLetters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "connectors_OutboundChanges",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_OutboundChanges", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "connectors_SyncConflicts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LoyaltyField = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CrmField = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LoyaltyValue = table.Column<string>(type: "TEXT", nullable: true),
                    CrmValue = table.Column<string>(type: "TEXT", nullable: true),
                    Policy = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Winner = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_SyncConflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "connectors_SyncedRecords",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CrmId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LastValues = table.Column<string>(type: "TEXT", nullable: false),
                    SyncedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_SyncedRecords", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "connectors_SyncRuns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    QueuedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    FullLoad = table.Column<bool>(type: "INTEGER", nullable: false),
                    Pages = table.Column<int>(type: "INTEGER", nullable: false),
                    Read = table.Column<long>(type: "INTEGER", nullable: false),
                    Created = table.Column<long>(type: "INTEGER", nullable: false),
                    Updated = table.Column<long>(type: "INTEGER", nullable: false),
                    Skipped = table.Column<long>(type: "INTEGER", nullable: false),
                    Failed = table.Column<long>(type: "INTEGER", nullable: false),
                    Conflicts = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<long>(type: "INTEGER", nullable: false),
                    SendSkipped = table.Column<long>(type: "INTEGER", nullable: false),
                    SendFailed = table.Column<long>(type: "INTEGER", nullable: false),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_SyncRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "connectors_SyncSetups",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ObjectName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExternalIdField = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordIdField = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Mappings = table.Column<string>(type: "TEXT", nullable: false),
                    IntervalMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    LookBackSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    PageSize = table.Column<int>(type: "INTEGER", nullable: false),
                    ErasureMode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", nullable: true),
                    NextRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_connectors_SyncSetups", x => x.ConnectionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_connectors_DeadLetters_ConnectionId_Direction_RecordKey",
                table: "connectors_DeadLetters",
                columns: new[] { "ConnectionId", "Direction", "RecordKey" });

            migrationBuilder.CreateIndex(
                name: "IX_connectors_DeadLetters_ConnectionId_Status",
                table: "connectors_DeadLetters",
                columns: new[] { "ConnectionId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_connectors_DeadLetters_MemberId",
                table: "connectors_DeadLetters",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_connectors_OutboundChanges_ConnectionId_ChangedAt",
                table: "connectors_OutboundChanges",
                columns: new[] { "ConnectionId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_connectors_SyncConflicts_MemberId",
                table: "connectors_SyncConflicts",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_connectors_SyncConflicts_RunId",
                table: "connectors_SyncConflicts",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_connectors_SyncedRecords_ConnectionId_CrmId",
                table: "connectors_SyncedRecords",
                columns: new[] { "ConnectionId", "CrmId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_connectors_SyncRuns_ConnectionId_Status",
                table: "connectors_SyncRuns",
                columns: new[] { "ConnectionId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connectors_ConnectionErasures");

            migrationBuilder.DropTable(
                name: "connectors_DeadLetters");

            migrationBuilder.DropTable(
                name: "connectors_OutboundChanges");

            migrationBuilder.DropTable(
                name: "connectors_SyncConflicts");

            migrationBuilder.DropTable(
                name: "connectors_SyncedRecords");

            migrationBuilder.DropTable(
                name: "connectors_SyncRuns");

            migrationBuilder.DropTable(
                name: "connectors_SyncSetups");
        }
    }
}
