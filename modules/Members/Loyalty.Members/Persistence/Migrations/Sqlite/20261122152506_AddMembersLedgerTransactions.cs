using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Members.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class AddMembersLedgerTransactions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "BaseRateScope",
                table: "members_Programs",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "ExpiryMonths",
                table: "members_Programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ExpiryPolicy",
                table: "members_Programs",
                type: "TEXT",
                maxLength: 30,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "PendingDays",
                table: "members_Programs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "PointsCurrency",
                table: "members_Programs",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<decimal>(
                name: "PointsPerCurrencyUnit",
                table: "members_Programs",
                type: "TEXT",
                precision: 18,
                scale: 6,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<string>(
                name: "QualifyingCurrency",
                table: "members_Programs",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ReturnPolicy",
                table: "members_Programs",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "members_LedgerEntries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    ReferenceType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    ReferenceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AvailableAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_LedgerEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_Members",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    FirstName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BirthDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Locale = table.Column<string>(type: "TEXT", maxLength: 35, nullable: true),
                    Attributes = table.Column<string>(type: "TEXT", nullable: false),
                    EnrollmentChannel = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    EnrolledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_Members", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_PointsAccounts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Available = table.Column<long>(type: "INTEGER", nullable: false),
                    Pending = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_PointsAccounts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_PointsLots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccrualEntryId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    Remaining = table.Column<long>(type: "INTEGER", nullable: false),
                    EarnedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AvailableAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Released = table.Column<bool>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiredAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_PointsLots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_Transactions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OriginalExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Store = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    TotalMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    LedgerEntryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_Transactions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "members_MemberIdentifiers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProgramId = table.Column<Guid>(type: "TEXT", nullable: false),
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_MemberIdentifiers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_members_MemberIdentifiers_members_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members_Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "members_members_Members",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Line1 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Line2 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PostalCode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    City = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_members_Members", x => x.MemberId);
                    table.ForeignKey(
                        name: "FK_members_members_Members_members_Members_MemberId",
                        column: x => x.MemberId,
                        principalTable: "members_Members",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "members_TransactionLines",
                columns: table => new
                {
                    LineNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    TransactionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sku = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Quantity = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    UnitPriceMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    AmountMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Points = table.Column<long>(type: "INTEGER", nullable: false),
                    ReturnedQuantity = table.Column<decimal>(type: "TEXT", precision: 18, scale: 4, nullable: false),
                    ReversedPoints = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_members_TransactionLines", x => new { x.TransactionId, x.LineNumber });
                    table.ForeignKey(
                        name: "FK_members_TransactionLines_members_Transactions_TransactionId",
                        column: x => x.TransactionId,
                        principalTable: "members_Transactions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_members_LedgerEntries_AccountId_CreatedAt",
                table: "members_LedgerEntries",
                columns: new[] { "AccountId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_LedgerEntries_ReferenceType_ReferenceId",
                table: "members_LedgerEntries",
                columns: new[] { "ReferenceType", "ReferenceId" });

            migrationBuilder.CreateIndex(
                name: "IX_members_MemberIdentifiers_MemberId",
                table: "members_MemberIdentifiers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_members_MemberIdentifiers_ProgramId_Kind_Value",
                table: "members_MemberIdentifiers",
                columns: new[] { "ProgramId", "Kind", "Value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_Members_ProgramId_LastName_FirstName",
                table: "members_Members",
                columns: new[] { "ProgramId", "LastName", "FirstName" });

            migrationBuilder.CreateIndex(
                name: "IX_members_Members_ProgramId_NormalizedEmail",
                table: "members_Members",
                columns: new[] { "ProgramId", "NormalizedEmail" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_PointsAccounts_MemberId_Currency",
                table: "members_PointsAccounts",
                columns: new[] { "MemberId", "Currency" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_PointsLots_AccountId_Released_ExpiresAt",
                table: "members_PointsLots",
                columns: new[] { "AccountId", "Released", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_PointsLots_ExpiredAt_ExpiresAt",
                table: "members_PointsLots",
                columns: new[] { "ExpiredAt", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_PointsLots_Released_AvailableAt",
                table: "members_PointsLots",
                columns: new[] { "Released", "AvailableAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_Transactions_MemberId_OccurredAt",
                table: "members_Transactions",
                columns: new[] { "MemberId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_Transactions_ProgramId_ExternalId",
                table: "members_Transactions",
                columns: new[] { "ProgramId", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_members_Transactions_ProgramId_OriginalExternalId",
                table: "members_Transactions",
                columns: new[] { "ProgramId", "OriginalExternalId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "members_LedgerEntries");

            migrationBuilder.DropTable(
                name: "members_MemberIdentifiers");

            migrationBuilder.DropTable(
                name: "members_members_Members");

            migrationBuilder.DropTable(
                name: "members_PointsAccounts");

            migrationBuilder.DropTable(
                name: "members_PointsLots");

            migrationBuilder.DropTable(
                name: "members_TransactionLines");

            migrationBuilder.DropTable(
                name: "members_Members");

            migrationBuilder.DropTable(
                name: "members_Transactions");

            migrationBuilder.DropColumn(
                name: "BaseRateScope",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "ExpiryMonths",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "ExpiryPolicy",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "PendingDays",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "PointsCurrency",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "PointsPerCurrencyUnit",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "QualifyingCurrency",
                table: "members_Programs");

            migrationBuilder.DropColumn(
                name: "ReturnPolicy",
                table: "members_Programs");
        }
    }
}
