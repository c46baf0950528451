using Loyalty.Connectors.Sdk;
using Loyalty.Connectors.Sdk.Testing;

namespace Loyalty.Connectors.Tests.CsvFolder;

/// <summary>The kit finds the contract breaches a connector author is most likely to make.</summary>
public sealed class ConformanceKitTests
{
    private static readonly ConformanceScenario Scenario = new() { ObjectName = "contacts", ExternalIdField = "LoyaltyId", TextField = "FirstName" };

    [Fact]
    public async Task A_connector_whose_cursor_drops_the_tie_breaker_fails_the_kit()
    {
        await using var fixture = new CsvFolderFixture();
        await using var broken = new ResumesAfterTheLastTimestamp(fixture.Connector);

        var failure = await Assert.ThrowsAsync<ConformanceException>(() => ConnectorConformance.RunAsync(broken, fixture, Scenario));

        Assert.Equal("a cursor replays the same changes (resume after a crash)", failure.Step);
    }

    [Fact]
    public async Task A_connector_that_does_not_report_deletions_fails_the_kit()
    {
        await using var fixture = new CsvFolderFixture();
        await using var broken = new HidesDeletions(fixture.Connector);

        var failure = await Assert.ThrowsAsync<ConformanceException>(() => ConnectorConformance.RunAsync(broken, fixture, Scenario));

        Assert.Equal("incremental read sees updates, deletions and new records: the deleted record is not reported as deleted", failure.Message);
    }

    /// <summary>Drops every further record that shares the page's last timestamp, as a cursor of the time alone would.</summary>
    private sealed class ResumesAfterTheLastTimestamp(IConnector inner) : Decorator(inner)
    {
        private DateTimeOffset? _last;

        public override async Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken)
        {
            var page = await Inner.ReadChangesAsync(request, cancellationToken);
            var records = page.Records.Where(r => request.Cursor is null || r.ModifiedAt != _last).ToList();
            _last = page.Records.Count > 0 ? page.Records[^1].ModifiedAt : _last;
            return page with { Records = records, HasMore = page.HasMore && records.Count > 0 };
        }
    }

    private sealed class HidesDeletions(IConnector inner) : Decorator(inner)
    {
        public override async Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken)
        {
            var page = await Inner.ReadChangesAsync(request, cancellationToken);
            return page with { Records = [.. page.Records.Where(r => !r.IsDeleted)] };
        }
    }

    private abstract class Decorator(IConnector inner) : IConnector
    {
        protected IConnector Inner => inner;

        public Task<ConnectionCheck> CheckConnectionAsync(CancellationToken cancellationToken) => inner.CheckConnectionAsync(cancellationToken);

        public Task<IReadOnlyList<ObjectDescriptor>> DiscoverAsync(CancellationToken cancellationToken) => inner.DiscoverAsync(cancellationToken);

        public abstract Task<ChangePage> ReadChangesAsync(ReadRequest request, CancellationToken cancellationToken);

        public Task<IReadOnlyList<RecordResult>> WriteAsync(WriteRequest request, CancellationToken cancellationToken) => inner.WriteAsync(request, cancellationToken);

        public Task<IReadOnlyList<RecordResult>> DeleteAsync(DeleteRequest request, CancellationToken cancellationToken) => inner.DeleteAsync(request, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
