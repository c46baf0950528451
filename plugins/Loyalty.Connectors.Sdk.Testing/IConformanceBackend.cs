namespace Loyalty.Connectors.Sdk.Testing;

/// <summary>
/// The fake CRM the connector under test talks to, as the kit scripts it: changes made here behind the connector's
/// back must show up in its reads, and the connector's writes must show up here. Each change must get a modification
/// time later than the previous one, and the connector's clock must move on between the kit's steps as real time
/// does (e.g. <c>FakeTimeProvider.AutoAdvanceAmount</c>): a record written in the very tick of a cursor's position
/// with a smaller id is what the host's look-back, not the tie-breaker, catches.
/// </summary>
public interface IConformanceBackend
{
    /// <summary>Creates a record as a CRM user would and returns its record id.</summary>
    Task<string> CreateAsync(string objectName, IReadOnlyDictionary<string, string?> fields);

    Task UpdateAsync(string objectName, string id, IReadOnlyDictionary<string, string?> fields);

    Task DeleteAsync(string objectName, string id);

    /// <summary>The record's current values, or null when it does not exist (or is deleted).</summary>
    Task<IReadOnlyDictionary<string, string?>?> GetAsync(string objectName, string id);
}
