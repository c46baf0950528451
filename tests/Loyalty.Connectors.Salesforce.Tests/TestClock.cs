namespace Loyalty.Connectors.Salesforce.Tests;

/// <summary>
/// The fake Salesforce's clock. Unlike FakeTimeProvider it may be set back, which is how a transaction that
/// committed late with an earlier SystemModstamp is staged.
/// </summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
