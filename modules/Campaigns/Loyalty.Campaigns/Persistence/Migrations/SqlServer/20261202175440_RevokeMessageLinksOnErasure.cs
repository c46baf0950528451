using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    internal partial class RevokeMessageLinksOnErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LinksRevokedAt",
                schema: "campaigns",
                table: "CampaignMessages",
                type: "datetimeoffset",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LinksRevokedAt",
                schema: "campaigns",
                table: "CampaignMessages");
        }
    }
}
