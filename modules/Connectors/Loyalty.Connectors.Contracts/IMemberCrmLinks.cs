namespace Loyalty.Connectors.Contracts;

/// <summary>
/// How a member stands with each CRM connection, for the staff's member page. Each read is recorded in the audit log
/// as an access to the member's personal data, by the signed-in person.
/// </summary>
public interface IMemberCrmLinks
{
    /// <returns>The connections syncing the program, and any other that holds a record of the member.</returns>
    Task<IReadOnlyList<MemberCrmLink>> OfMemberAsync(string programCode, Guid memberId, CancellationToken cancellationToken);
}

/// <param name="CrmId">The record's id in the CRM; null when the member was never synced with the connection.</param>
/// <param name="LastSyncedAt">When a run last read or wrote the member.</param>
/// <param name="ChangeWaiting">A change of the member waits for the next outbound run.</param>
/// <param name="DeadLetters">Records of the member the sync could not apply or send, not yet retried.</param>
public sealed record MemberCrmLink(Guid ConnectionId, string ConnectionName, string ConnectorId, string? CrmId, DateTimeOffset? LastSyncedAt, bool ChangeWaiting, int DeadLetters);
