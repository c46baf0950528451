namespace Loyalty.Shared.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
    SqlServer,
}

/// <summary>The <c>Database</c> configuration section. One database holds every module, each in its own schema.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// The connection string. Empty on SQLite means a file <c>loyalty.db</c> in <see cref="DataDirectory"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Where the embedded SQLite database lives, relative to the host's content root when not rooted.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply pending migrations when the host starts. Turn off when operators run <c>migrate</c> themselves.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public static DatabaseOptions From(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var options = new DatabaseOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(Section), options);
        return options;
    }

    public string ResolveConnectionString(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (Provider != DatabaseProvider.Sqlite)
        {
            throw new InvalidOperationException(
                $"Database:ConnectionString is required when Database:Provider is {Provider}.");
        }

        var directory = Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory);
        Directory.CreateDirectory(directory);
        return $"Data Source={Path.Combine(directory, "loyalty.db")};Pooling=True";
    }
}
