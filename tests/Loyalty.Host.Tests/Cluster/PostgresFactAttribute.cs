using Loyalty.Testing;

namespace Loyalty.Host.Tests.Cluster;

/// <summary>
/// A test that needs PostgreSQL (SQLite is one node only): skipped when <c>LOYALTY_TEST_POSTGRES</c> is unset, and
/// run, so able to fail, whenever it is set (as on CI).
/// </summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)))
        {
            Skip = $"Needs PostgreSQL: set {TestDatabase.PostgresVariable}.";
        }
    }
}
