using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Connectors.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class AddSyncEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ConnectionErasures",
                schema: "connectors",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConnectionErasures", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "DeadLetters",
                schema: "connectors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    Direction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    RecordKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    ErrorCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ErrorMessage = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeadLetters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OutboundChanges",
                schema: "connectors",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboundChanges", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "SyncConflicts",
                schema: "connectors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    LoyaltyField = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CrmField = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LoyaltyValue = table.Column<string>(type: "text", nullable: true),
                    CrmValue = table.Column<string>(type: "text", nullable: true),
                    Policy = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Winner = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncConflicts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SyncedRecords",
                schema: "connectors",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    CrmId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    LastValues = table.Column<string>(type: "text", nullable: false),
                    SyncedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncedRecords", x => new { x.ConnectionId, x.MemberId });
                });

            migrationBuilder.CreateTable(
                name: "SyncRuns",
                schema: "connectors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    QueuedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FullLoad = table.Column<bool>(type: "boolean", nullable: false),
                    Pages = table.Column<int>(type: "integer", nullable: false),
                    Read = table.Column<long>(type: "bigint", nullable: false),
                    Created = table.Column<long>(type: "bigint", nullable: false),
                    Updated = table.Column<long>(type: "bigint", nullable: false),
                    Skipped = table.Column<long>(type: "bigint", nullable: false),
                    Failed = table.Column<long>(type: "bigint", nullable: false),
                    Conflicts = table.Column<long>(type: "bigint", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    SendSkipped = table.Column<long>(type: "bigint", nullable: false),
                    SendFailed = table.Column<long>(type: "bigint", nullable: false),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SyncSetups",
                schema: "connectors",
                columns: table => new
                {
                    ConnectionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    ObjectName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ExternalIdField = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RecordIdField = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Mappings = table.Column<string>(type: "text", nullable: false),
                    IntervalMinutes = table.Column<int>(type: "integer", nullable: false),
                    LookBackSeconds = table.Column<int>(type: "integer", nullable: false),
                    PageSize = table.Column<int>(type: "integer", nullable: false),
                    ErasureMode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Cursor = table.Column<string>(type: "text", nullable: true),
                    NextRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncSetups", x => x.ConnectionId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeadLetters_ConnectionId_Direction_RecordKey",
                schema: "connectors",
                table: "DeadLetters",
                columns: new[] { "ConnectionId", "Direction", "RecordKey" });

            migrationBuilder.CreateIndex(
                name: "IX_DeadLetters_ConnectionId_Status",
                schema: "connectors",
                table: "DeadLetters",
                columns: new[] { "ConnectionId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DeadLetters_MemberId",
                schema: "connectors",
                table: "DeadLetters",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundChanges_ConnectionId_ChangedAt",
                schema: "connectors",
                table: "OutboundChanges",
                columns: new[] { "ConnectionId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SyncConflicts_MemberId",
                schema: "connectors",
                table: "SyncConflicts",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_SyncConflicts_RunId",
                schema: "connectors",
                table: "SyncConflicts",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_SyncedRecords_ConnectionId_CrmId",
                schema: "connectors",
                table: "SyncedRecords",
                columns: new[] { "ConnectionId", "CrmId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SyncRuns_ConnectionId_Status",
                schema: "connectors",
                table: "SyncRuns",
                columns: new[] { "ConnectionId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConnectionErasures",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "DeadLetters",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "OutboundChanges",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "SyncConflicts",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "SyncedRecords",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "SyncRuns",
                schema: "connectors");

            migrationBuilder.DropTable(
                name: "SyncSetups",
                schema: "connectors");
        }
    }
}
