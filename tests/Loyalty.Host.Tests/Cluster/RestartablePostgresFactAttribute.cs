namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// A test that stops and starts a PostgreSQL cluster of its own, never the shared test server: it needs
/// <c>LOYALTY_TEST_POSTGRES_RESTARTABLE</c> (a connection string to that cluster) and
/// <c>LOYALTY_TEST_POSTGRES_RESTARTABLE_CLUSTER</c> (its version and name for <c>pg_ctlcluster</c>, "15 faults"), as
/// <c>.ci/run</c> sets them. Skipped without them, except on CI (<c>CI=true</c>), where the test runs and fails.
/// </summary>
internal sealed class RestartablePostgresFactAttribute : FactAttribute
{
    public const string ConnectionVariable = "LOYALTY_TEST_POSTGRES_RESTARTABLE";
    public const string ClusterVariable = "LOYALTY_TEST_POSTGRES_RESTARTABLE_CLUSTER";

    public RestartablePostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ConnectionVariable))
            && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"Needs a PostgreSQL cluster the test may restart: set {ConnectionVariable} and {ClusterVariable} (.ci/run shows how).";
        }
    }
}
