using Microsoft.EntityFrameworkCore;

namespace Loyalty.Connectors.Connections;

/// <summary>One configured link to a CRM through a connector plugin (several per install, e.g. two Salesforce orgs).</summary>
internal sealed class Connection
{
    public Guid Id { get; init; }

    /// <summary>The admin's name for it, unique per install (<c>salesforce-emea</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The plugin's manifest id.</summary>
    public required string ConnectorId { get; init; }

    /// <summary>The non-secret settings, as a JSON object of strings.</summary>
    public required string Settings { get; set; }

    /// <summary>The secret settings, a JSON object of strings protected by ASP.NET Core Data Protection.</summary>
    public required string ProtectedSecrets { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static void Configure(ModelBuilder modelBuilder) => modelBuilder.Entity<Connection>(connection =>
    {
        connection.ToTable("Connections");
        connection.HasKey(c => c.Id);
        connection.Property(c => c.Name).HasMaxLength(100);
        connection.Property(c => c.ConnectorId).HasMaxLength(100);
        connection.HasIndex(c => c.Name).IsUnique();
    });
}
