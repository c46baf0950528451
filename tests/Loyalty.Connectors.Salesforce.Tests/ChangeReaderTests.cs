using System.Text.Json.Nodes;
using Loyalty.Testing.Salesforce;

namespace Loyalty.Connectors.Salesforce.Tests;

public sealed class ChangeReaderTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_full_load_follows_nextRecordsUrl_and_reads_every_record_once_in_SystemModstamp_order()
    {
        var clock = new TestClock(Start);
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { QueryPageSize = 2, TimeProvider = clock });
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(sf.Fake.Seed(SalesforceFixture.Contact($"m{i}", $"Last{i}")));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var (changes, _, pages) = await sf.ReadAllAsync(null, pageSize: 5);

        Assert.Equal(ids, changes.Select(c => c.Id));
        Assert.Equal(2, pages);
        // 5 records in pages of 2 then 2 in one: the first read followed nextRecordsUrl twice.
        Assert.Equal(2, sf.CountRequests("GET /services/data/v62.0/query/01gFK"));
        Assert.Equal("Last3", (string?)changes[3].Record["LastName"]);
        Assert.Equal(Start.AddSeconds(3), changes[3].SystemModstamp);
    }

    [Fact]
    public async Task Records_with_the_same_SystemModstamp_across_a_page_boundary_are_neither_skipped_nor_read_twice()
    {
        var clock = new TestClock(Start);
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        sf.Fake.Seed(SalesforceFixture.Contact("before", "Before"));
        clock.Advance(TimeSpan.FromSeconds(1));
        var sameSecond = Enumerable.Range(0, 5).Select(i => sf.Fake.Seed(SalesforceFixture.Contact($"same{i}", $"Same{i}"))).ToList();
        clock.Advance(TimeSpan.FromSeconds(1));
        sf.Fake.Seed(SalesforceFixture.Contact("after", "After"));

        var (changes, _, pages) = await sf.ReadAllAsync(null, pageSize: 2);

        Assert.Equal(7, changes.Count);
        Assert.Equal(7, changes.Select(c => c.Id).Distinct().Count());
        Assert.All(sameSecond, id => Assert.Contains(changes, c => c.Id == id));
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task An_incremental_read_returns_only_what_changed_after_the_cursor_including_deletions()
    {
        var clock = new TestClock(Start);
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        var kept = sf.Fake.Seed(SalesforceFixture.Contact("kept", "Kept"));
        var edited = sf.Fake.Seed(SalesforceFixture.Contact("edited", "Edited"));
        var deleted = sf.Fake.Seed(SalesforceFixture.Contact("deleted", "Deleted"));
        var (_, cursor, _) = await sf.ReadAllAsync(null, pageSize: 10);
        clock.Advance(TimeSpan.FromMinutes(1));

        sf.Fake.EditInSalesforce(edited, new JsonObject { ["LastName"] = "Edited again" });
        sf.Fake.DeleteInSalesforce(deleted);
        var page = await sf.ReadAsync(cursor);

        Assert.DoesNotContain(page.Changes, c => c.Id == kept);
        Assert.Equal("Edited again", (string?)Assert.Single(page.Changes, c => c.Id == edited).Record["LastName"]);
        Assert.True(Assert.Single(page.Changes, c => c.Id == deleted).IsDeleted);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Reading_again_from_the_last_cursor_without_look_back_returns_nothing()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        sf.Fake.Seed(SalesforceFixture.Contact("m1", "One"));
        var (_, cursor, _) = await sf.ReadAllAsync(null, pageSize: 10);

        var page = await sf.ReadAsync(cursor);

        Assert.Empty(page.Changes);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task A_late_commit_stamped_before_the_cursor_is_read_by_the_next_run_within_the_look_back()
    {
        var clock = new TestClock(Start);
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        clock.Advance(TimeSpan.FromMinutes(10));
        sf.Fake.Seed(SalesforceFixture.Contact("m1", "One"));
        var (_, cursor, _) = await sf.ReadAllAsync(null, pageSize: 10);

        // A transaction that started two minutes earlier commits only now, with its earlier stamp.
        clock.Advance(TimeSpan.FromMinutes(-2));
        var late = sf.Fake.Seed(SalesforceFixture.Contact("late", "Late"));
        clock.Advance(TimeSpan.FromMinutes(3));

        var withoutLookBack = await sf.ReadAsync(cursor);
        var withLookBack = await sf.ReadAsync(cursor, lookBack: TimeSpan.FromMinutes(5));

        Assert.DoesNotContain(withoutLookBack.Changes, c => c.Id == late);
        Assert.Contains(withLookBack.Changes, c => c.Id == late);
    }

    [Fact]
    public async Task A_full_load_of_an_empty_org_gives_a_cursor_that_later_reads_new_records()
    {
        await using var sf = await SalesforceFixture.StartAsync();
        var empty = await sf.ReadAsync(null);
        var id = sf.Fake.Seed(SalesforceFixture.Contact("m1", "One"));

        var page = await sf.ReadAsync(empty.Cursor, lookBack: TimeSpan.FromMinutes(5));

        Assert.Empty(empty.Changes);
        Assert.Equal(id, Assert.Single(page.Changes).Id);
    }

    [Fact]
    public async Task A_run_of_pages_of_200_or_more_follows_one_querys_nextRecordsUrl_and_an_expired_locator_falls_back_to_the_cursor()
    {
        var clock = new TestClock(Start);
        await using var sf = await SalesforceFixture.StartAsync(new FakeSalesforceOptions { TimeProvider = clock });
        var ids = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            ids.Add(sf.Fake.Seed(SalesforceFixture.Contact($"m{i:D4}", $"Last{i}")));
            clock.Advance(TimeSpan.FromMilliseconds(i % 3 == 0 ? 1000 : 0));
        }

        var first = await sf.ReadAsync(null, pageSize: 200);
        var second = await sf.ReadAsync(first.Cursor, pageSize: 200);
        sf.Fake.ExpireQueryLocators();
        var (rest, _, pages) = await sf.ReadAllAsync(second.Cursor, pageSize: 300);

        Assert.Equal(ids, first.Changes.Concat(second.Changes).Concat(rest).Select(c => c.Id));
        Assert.Equal([200, 200], [first.Changes.Count, second.Changes.Count]);
        Assert.Equal(2, pages);
        // One query for the first two pages; its expired locator refused; then one keyset query followed for the rest.
        Assert.Equal(2, sf.CountRequests("GET /services/data/v62.0/queryAll"));
        Assert.Equal(3, sf.CountRequests("GET /services/data/v62.0/query/01gFK"));
    }
}
