using System.Diagnostics.Metrics;
using System.Net;
using Loyalty.Connectors.Salesforce;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Server_errors_are_retried_until_the_request_succeeds()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.FailNext(FakeFault.ServerUnavailable, times: 2);

        var results = await sf.UpsertAsync(SalesforceFixture.Contact("m1", "One"));

        Assert.Equal(WriteOutcome.Created, Assert.Single(results).Outcome);
        Assert.Equal(3, sf.CountRequests("PATCH "));
        Assert.Single(sf.Fake.Contacts);
    }

    [Fact]
    public async Task Server_errors_beyond_the_retries_fail_the_call_with_salesforces_code()
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { MaxRetries = 2 });
        sf.Fake.FailNext(FakeFault.ServerUnavailable, times: 3);

        var error = await Assert.ThrowsAsync<SalesforceException>(() => sf.UpsertAsync(SalesforceFixture.Contact("m1", "One")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal("SERVER_UNAVAILABLE", error.Error.Code);
        Assert.Empty(sf.Fake.Contacts);
    }

    [Fact]
    public async Task A_request_refused_with_UNABLE_TO_LOCK_ROW_is_retried()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.FailNext(FakeFault.UnableToLockRow);

        var results = await sf.UpsertAsync(SalesforceFixture.Contact("m1", "One"));

        Assert.Equal(WriteOutcome.Created, Assert.Single(results).Outcome);
    }

    [Fact]
    public async Task A_record_that_could_not_be_locked_is_sent_again_alone_and_succeeds()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.LockOnNextWrite("m2");

        var results = await sf.UpsertAsync(SalesforceFixture.Contact("m1", "One"), SalesforceFixture.Contact("m2", "Two"), SalesforceFixture.Contact("m3", "Three"));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Created, r.Outcome));
        Assert.Equal(2, sf.CountRequests("PATCH "));
        Assert.Equal(3, sf.Fake.Contacts.Count);
    }

    [Fact]
    public async Task A_slow_answer_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        await using var sf = await SalesforceFixture.StartAsync(configure: s => s with { AttemptTimeout = TimeSpan.FromMilliseconds(500) });
        sf.Fake.SlowDelay = TimeSpan.FromSeconds(5);
        sf.Fake.FailNext(FakeFault.Slow);
        var started = DateTimeOffset.UtcNow;

        var page = await sf.ReadAsync(null);

        Assert.Empty(page.Changes);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(4));
        Assert.Equal(2, sf.CountRequests("GET /services/data/v62.0/queryAll"));
    }

    [Fact]
    public async Task REQUEST_LIMIT_EXCEEDED_stops_the_read_and_the_same_cursor_resumes_it_later()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            sf.Fake.Seed(SalesforceFixture.Contact($"m{i}", $"Last{i}"));
        }

        var first = await sf.ReadAsync(null, pageSize: 2);
        sf.Fake.FailNext(FakeFault.RequestLimitExceeded);

        var stop = await Assert.ThrowsAsync<SalesforceRequestLimitExceededException>(() => sf.ReadAsync(first.Cursor, pageSize: 2));
        var resumed = await sf.ReadAsync(first.Cursor, pageSize: 2);

        Assert.Equal("REQUEST_LIMIT_EXCEEDED", stop.Error.Code);
        Assert.Equal(3, sf.CountRequests("GET /services/data/v62.0/queryAll"));
        Assert.Equal(3, first.Changes.Concat(resumed.Changes).Select(c => c.Id).Distinct().Count());
    }

    [Fact]
    public async Task The_daily_limit_reached_in_salesforce_is_a_stop_too()
    {
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { DailyApiLimit = 1 });
        await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        await Assert.ThrowsAsync<SalesforceRequestLimitExceededException>(() => sf.Client.DescribeAsync("Contact", CancellationToken.None));
    }

    [Fact]
    public async Task Sforce_Limit_Info_is_exposed_and_published_as_a_gauge()
    {
        var measured = new List<(string Instrument, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Loyalty.Connectors.Salesforce")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measured)
            {
                measured.Add((instrument.Name, value));
            }
        });
        listener.Start();
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { DailyApiLimit = 15000 });

        await sf.Client.DescribeAsync("Contact", CancellationToken.None);
        await sf.Client.DescribeAsync("Contact", CancellationToken.None);

        Assert.Equal(new ApiUsage(2, 15000), sf.Client.ApiUsage);
        lock (measured)
        {
            Assert.Contains(("loyalty.connectors.salesforce.api_usage", 2L), measured);
            Assert.Contains(("loyalty.connectors.salesforce.api_limit", 15000L), measured);
        }
    }
}
