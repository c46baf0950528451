using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Campaigns.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class SegmentEngagement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Engagement",
                table: "campaigns_Segments",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Engagement",
                table: "campaigns_Segments");
        }
    }
}
