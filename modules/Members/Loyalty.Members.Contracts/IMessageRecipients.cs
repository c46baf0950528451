namespace Loyalty.Members.Contracts;

/// <summary>
/// What campaign messages need of Members: the program's audience a page at a time and the fields a template may use,
/// read at send time (Campaigns keeps no copy of profiles).
/// </summary>
public interface IMessageRecipients
{
    /// <summary>Ids of the program's active members after <paramref name="after"/> (exclusive), ordered by id.</summary>
    Task<IReadOnlyList<Guid>> ActiveMembersAsync(string programCode, Guid? after, int take, CancellationToken cancellationToken);

    /// <summary>The members among <paramref name="memberIds"/> that belong to the program, in any status.</summary>
    Task<IReadOnlyList<MessageRecipient>> FindAsync(string programCode, IReadOnlyCollection<Guid> memberIds, CancellationToken cancellationToken);
}

/// <param name="Status">active, suspended, closed, merged or erased: only an active member is sent marketing.</param>
/// <param name="Balance">Spendable points now.</param>
/// <param name="ExpiringPoints">Spendable points that expire within 30 days; 0 when none.</param>
/// <param name="ExpiringAt">When the first of <paramref name="ExpiringPoints"/> expire.</param>
public sealed record MessageRecipient(
    Guid Id, string Status, string? Email, string? Phone, string? FirstName, string? LastName, string? Locale, string? Tier,
    long Balance, long ExpiringPoints, DateTimeOffset? ExpiringAt);
