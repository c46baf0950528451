namespace Loyalty.Connectors.Sdk;

/// <param name="ObjectName">An object from <see cref="IConnector.DiscoverAsync"/>.</param>
/// <param name="Fields">The fields to return (the mapped ones); the connector may return more.</param>
/// <param name="Cursor">Exactly what the previous page's <see cref="ChangePage.NextCursor"/> was, or null for a full load.</param>
/// <param name="PageSize">The most records to return in one page; a connector may return fewer.</param>
/// <param name="LookBack">
/// How far before the cursor's position to read again, for records committed late with an earlier timestamp. The host
/// sets it on the first page of a run only; the following pages (zero look-back) go on after the previous page, so a
/// cursor may point before the run's starting position until the run has read to the end.
/// </param>
public sealed record ReadRequest(string ObjectName, IReadOnlyList<string> Fields, string? Cursor, int PageSize, TimeSpan LookBack);

/// <param name="Records">Changed and deleted records, ordered by (ModifiedAt, Id).</param>
/// <param name="NextCursor">
/// Opaque to the host: the position after this page. The host stores it once it has applied the page and passes it
/// back in the next request, in this run or the next one. It must let the connector resume exactly after the last
/// record of the page even when several records share its timestamp (a tie-breaker on the id).
/// </param>
/// <param name="HasMore">True when more changes are available now; the host asks again right away.</param>
public sealed record ChangePage(IReadOnlyList<RecordChange> Records, string? NextCursor, bool HasMore);

/// <param name="Id">The CRM's record id.</param>
/// <param name="ModifiedAt">When the CRM last changed the record (for a deletion: when it was deleted), UTC.</param>
/// <param name="IsDeleted">The record was deleted in the CRM; <paramref name="Fields"/> may then be empty.</param>
/// <param name="Fields">Values by field name, in the invariant format of the field's <see cref="FieldType"/>; null is an empty value.</param>
public sealed record RecordChange(string Id, DateTimeOffset? ModifiedAt, bool IsDeleted, IReadOnlyDictionary<string, string?> Fields);

/// <param name="ExternalIdField">The field of <paramref name="ObjectName"/> that holds the loyalty side's key.</param>
public sealed record WriteRequest(string ObjectName, string ExternalIdField, IReadOnlyList<RecordUpsert> Records);

/// <param name="ExternalId">The value of the external id field: the record is created when no record has it, updated otherwise.</param>
/// <param name="Fields">Fields to set; a field left out keeps its value, a null value clears it.</param>
public sealed record RecordUpsert(string ExternalId, IReadOnlyDictionary<string, string?> Fields);

/// <param name="Ids">The CRM's record ids.</param>
public sealed record DeleteRequest(string ObjectName, IReadOnlyList<string> Ids);

/// <param name="Key">The request's key: the external id for writes, the record id for deletes.</param>
/// <param name="Id">The CRM's record id, when known.</param>
/// <param name="Error">Why the record failed, for <see cref="RecordOutcome.Failed"/>.</param>
public sealed record RecordResult(string Key, RecordOutcome Outcome, string? Id = null, RecordError? Error = null)
{
    public static RecordResult Failed(string key, RecordError error) => new(key, RecordOutcome.Failed, null, error);
}

public enum RecordOutcome
{
    Created,
    Updated,
    Deleted,
    NotFound,
    Failed,
}

/// <param name="Code">The CRM's error code (e.g. "DUPLICATE_VALUE"), stable enough to group failures by.</param>
/// <param name="Message">Without personal data: it is shown to admins in the dead-letter list and may be logged.</param>
/// <param name="IsTransient">Retrying the same record later may succeed (a lock, a timeout).</param>
/// <param name="Fields">The fields the error is about, if the CRM says.</param>
public sealed record RecordError(string Code, string Message, bool IsTransient = false, IReadOnlyList<string>? Fields = null);
