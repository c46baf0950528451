using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Loyalty.Feedback.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class RevokeSurveyLinksOnErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "feedback_SurveySends",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "feedback_SurveySends");
        }
    }
}
