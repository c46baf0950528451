namespace Loyalty.Connectors.Sdk.Testing;

/// <summary>
/// Runs a connector through the contract's promises, step by step, against a backend the kit scripts: check,
/// discover, a paged full load, incremental reads with updates and deletions, cursor replay after a crash, look-back,
/// the tie-breaker on equal timestamps, upserts by external id with per-record results, and deletes.
/// </summary>
public static class ConnectorConformance
{
    private const int MaxPages = 10_000;

    /// <returns>The names of the steps that passed, in order.</returns>
    public static async Task<IReadOnlyList<string>> RunAsync(
        IConnector connector, IConformanceBackend backend, ConformanceScenario scenario, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(scenario);
        var run = new Run(connector, backend, scenario, cancellationToken);
        await run.ExecuteAsync();
        return run.Passed;
    }

    private sealed class Run(IConnector connector, IConformanceBackend backend, ConformanceScenario scenario, CancellationToken cancellationToken)
    {
        private readonly string _marker = Guid.NewGuid().ToString("N")[..8];
        private readonly HashSet<string> _ours = new(StringComparer.Ordinal);

        public List<string> Passed { get; } = [];

        public async Task ExecuteAsync()
        {
            await Step("check", async () =>
            {
                var check = await connector.CheckConnectionAsync(cancellationToken);
                Require(check.Succeeded, $"the connection check failed: {check.Message}");
            });

            await Step("discover", async () =>
            {
                var objects = await connector.DiscoverAsync(cancellationToken);
                var target = objects.FirstOrDefault(o => o.Name == scenario.ObjectName);
                Require(target is not null, $"{scenario.ObjectName} is not among the discovered objects");
                var capabilities = ObjectCapabilities.Read | ObjectCapabilities.Write | ObjectCapabilities.Delete;
                Require(target!.Capabilities.HasFlag(capabilities), $"{scenario.ObjectName} must support read, write and delete");
                var externalId = target.Fields.FirstOrDefault(f => f.Name == scenario.ExternalIdField);
                Require(externalId is { IsExternalId: true, IsReadOnly: false }, $"{scenario.ExternalIdField} must be a writable external id field");
                var text = target.Fields.FirstOrDefault(f => f.Name == scenario.TextField);
                Require(text is { IsReadOnly: false }, $"{scenario.TextField} must be a writable field");
            });

            var seeded = new List<string>();
            string? afterFullLoad = null;
            await Step("full load in pages", async () =>
            {
                for (var i = 0; i < scenario.SeedCount; i++)
                {
                    seeded.Add(await backend.CreateAsync(scenario.ObjectName, Fields($"seed-{i}")));
                }

                _ours.UnionWith(seeded);
                var (records, cursor) = await ReadAllAsync(null, scenario.PageSize, TimeSpan.Zero);
                Require(cursor is not null, "the last page of a full load must return a cursor");
                var ours = records.Where(r => _ours.Contains(r.Id)).ToList();
                Require(ours.Count == ours.Select(r => r.Id).Distinct().Count(), "a full load without look-back returned a record twice");
                foreach (var (id, i) in seeded.Select((id, i) => (id, i)))
                {
                    var record = ours.FirstOrDefault(r => r.Id == id);
                    Require(record is { IsDeleted: false }, $"seeded record {i} is missing from the full load");
                    Require(record!.Fields.GetValueOrDefault(scenario.TextField) == $"{_marker}-seed-{i}", $"seeded record {i} has the wrong {scenario.TextField}");
                }

                afterFullLoad = cursor;
            });

            await Step("nothing new reads nothing", async () =>
            {
                var (records, cursor) = await ReadAllAsync(afterFullLoad, scenario.PageSize, TimeSpan.Zero);
                Require(!records.Any(r => _ours.Contains(r.Id)), "reading from the last cursor without changes returned records again");
                Require(cursor is not null, "a read from a cursor must return a cursor");
            });

            string late = "";
            string? afterChanges = null;
            IReadOnlyList<string> changedIds = [];
            await Step("incremental read sees updates, deletions and new records", async () =>
            {
                await backend.UpdateAsync(scenario.ObjectName, seeded[0], new Dictionary<string, string?> { [scenario.TextField] = $"{_marker}-updated" });
                await backend.DeleteAsync(scenario.ObjectName, seeded[1]);
                late = await backend.CreateAsync(scenario.ObjectName, Fields("late"));
                _ours.Add(late);
                var (records, cursor) = await ReadAllAsync(afterFullLoad, scenario.PageSize, TimeSpan.Zero);
                var ours = records.Where(r => _ours.Contains(r.Id)).ToList();
                Require(ours.Any(r => r.Id == seeded[0] && !r.IsDeleted && r.Fields.GetValueOrDefault(scenario.TextField) == $"{_marker}-updated"), "the updated record is missing or has its old value");
                Require(ours.Any(r => r.Id == seeded[1] && r.IsDeleted), "the deleted record is not reported as deleted");
                Require(ours.Any(r => r.Id == late && !r.IsDeleted), "the record created after the full load is missing");
                Require(!ours.Any(r => seeded.Skip(2).Contains(r.Id)), "unchanged records came back in an incremental read");
                changedIds = [.. ours.Select(r => r.Id)];
                afterChanges = cursor;
            });

            await Step("a cursor replays the same changes (resume after a crash)", async () =>
            {
                var (records, _) = await ReadAllAsync(afterFullLoad, scenario.PageSize, TimeSpan.Zero);
                var again = records.Where(r => _ours.Contains(r.Id)).Select(r => r.Id).ToHashSet();
                Require(again.SetEquals(changedIds), "reading again from the same cursor returned other records");
            });

            await Step("look-back re-reads recent changes and never moves the cursor back", async () =>
            {
                var (records, cursor) = await ReadAllAsync(afterChanges, scenario.PageSize, TimeSpan.FromDays(1));
                Require(changedIds.All(id => records.Any(r => r.Id == id)), "a one-day look-back did not re-read the changes just made");
                var (after, _) = await ReadAllAsync(cursor, scenario.PageSize, TimeSpan.Zero);
                Require(!after.Any(r => _ours.Contains(r.Id)), "the cursor after a look-back read points before records already returned");
            });

            var written = new List<(string ExternalId, string Id)>();
            await Step("upsert by external id creates, then updates, with per-record results", async () =>
            {
                var keys = Enumerable.Range(0, 3).Select(i => $"{_marker}-ext-{i}").ToList();
                var results = await connector.WriteAsync(
                    new WriteRequest(scenario.ObjectName, scenario.ExternalIdField, [.. keys.Select(k => new RecordUpsert(k, Fields($"written-{k}")))]),
                    cancellationToken);
                Require(results.Select(r => r.Key).SequenceEqual(keys), "results must come one per record, in the request's order");
                Require(results.All(r => r.Outcome == RecordOutcome.Created && r.Id is not null), "new external ids must be Created, with the CRM's id");
                written.AddRange(results.Select(r => (r.Key, r.Id!)));
                _ours.UnionWith(written.Select(w => w.Id));
                foreach (var (key, id) in written)
                {
                    var stored = await backend.GetAsync(scenario.ObjectName, id);
                    Require(stored?.GetValueOrDefault(scenario.TextField) == $"{_marker}-written-{key}", "a created record does not hold the written value");
                }

                var update = await connector.WriteAsync(
                    new WriteRequest(scenario.ObjectName, scenario.ExternalIdField, [new RecordUpsert(keys[0], new Dictionary<string, string?> { [scenario.TextField] = $"{_marker}-rewritten" })]),
                    cancellationToken);
                Require(update is [{ Outcome: RecordOutcome.Updated }] && update[0].Id == written[0].Id, "upserting an existing external id must update that record");
                var rewritten = await backend.GetAsync(scenario.ObjectName, written[0].Id);
                Require(rewritten?.GetValueOrDefault(scenario.TextField) == $"{_marker}-rewritten", "the updated record does not hold the new value");
            });

            if (scenario.RejectedField is { } rejected)
            {
                await Step("a refused record fails alone", async () =>
                {
                    var good = $"{_marker}-ext-good";
                    var bad = new Dictionary<string, string?>(Fields("bad")) { [rejected.Key] = rejected.Value };
                    var results = await connector.WriteAsync(
                        new WriteRequest(scenario.ObjectName, scenario.ExternalIdField, [new RecordUpsert(good, Fields("good")), new RecordUpsert($"{_marker}-ext-bad", bad)]),
                        cancellationToken);
                    Require(results is [{ Outcome: RecordOutcome.Created }, { Outcome: RecordOutcome.Failed }], "the good record must be created and the refused one failed");
                    Require(!string.IsNullOrEmpty(results[1].Error?.Code), "a failed record must carry an error code");
                    written.Add((good, results[0].Id!));
                    _ours.Add(results[0].Id!);
                });
            }

            await Step("records sharing a timestamp are read one per page, none skipped", async () =>
            {
                var (records, _) = await ReadAllAsync(afterChanges, 1, TimeSpan.Zero);
                foreach (var (_, id) in written)
                {
                    Require(records.Count(r => r.Id == id) == 1, "a written record was skipped or repeated when read one per page");
                }
            });

            await Step("delete by id, then not found", async () =>
            {
                var ids = written.Select(w => w.Id).ToList();
                var results = await connector.DeleteAsync(new DeleteRequest(scenario.ObjectName, ids), cancellationToken);
                Require(results.Select(r => r.Key).SequenceEqual(ids) && results.All(r => r.Outcome == RecordOutcome.Deleted), "every existing record must be Deleted, one result per id in order");
                foreach (var id in ids)
                {
                    Require(await backend.GetAsync(scenario.ObjectName, id) is null, "a deleted record is still in the CRM");
                }

                var again = await connector.DeleteAsync(new DeleteRequest(scenario.ObjectName, ids), cancellationToken);
                Require(again.All(r => r.Outcome == RecordOutcome.NotFound), "deleting a deleted record must be NotFound");
                var (records, _) = await ReadAllAsync(afterChanges, scenario.PageSize, TimeSpan.Zero);
                Require(ids.All(id => records.Any(r => r.Id == id && r.IsDeleted)), "deletions made through the connector are not read as deletions");
            });
        }

        private Dictionary<string, string?> Fields(string text) =>
            new(scenario.RequiredFields) { [scenario.TextField] = $"{_marker}-{text}" };

        private async Task<(List<RecordChange> Records, string? Cursor)> ReadAllAsync(string? cursor, int pageSize, TimeSpan lookBack)
        {
            var records = new List<RecordChange>();
            for (var pages = 0; pages < MaxPages; pages++)
            {
                // As the host does: the look-back applies to the first page of a run only.
                var page = await connector.ReadChangesAsync(
                    new ReadRequest(scenario.ObjectName, [scenario.TextField, scenario.ExternalIdField], cursor, pageSize, pages == 0 ? lookBack : TimeSpan.Zero),
                    cancellationToken);
                Require(page.Records.Count <= pageSize, $"a page held {page.Records.Count} records, more than the page size {pageSize}");
                var keys = page.Records.Select(r => (r.ModifiedAt ?? DateTimeOffset.MinValue, r.Id)).ToList();
                Require(keys.SequenceEqual(keys.Order(KeyOrder.Instance)), "records of a page are not ordered by (ModifiedAt, Id)");
                Require(!page.HasMore || page.Records.Count > 0, "a page said there is more but held no records");
                records.AddRange(page.Records);
                cursor = page.NextCursor;
                if (!page.HasMore)
                {
                    return (records, cursor);
                }
            }

            throw new ConformanceException("read", $"more than {MaxPages} pages: the cursor does not advance");
        }

        private string _current = "";

        private async Task Step(string name, Func<Task> body)
        {
            _current = name;
            await body();
            Passed.Add(name);
        }

        private void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ConformanceException(_current, message);
            }
        }
    }

    private sealed class KeyOrder : IComparer<(DateTimeOffset At, string Id)>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare((DateTimeOffset At, string Id) x, (DateTimeOffset At, string Id) y)
        {
            var byTime = x.At.CompareTo(y.At);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        }
    }
}
