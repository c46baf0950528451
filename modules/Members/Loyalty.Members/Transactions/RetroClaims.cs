using System.Text.Json;
using Loyalty.Members.Contracts;
using Loyalty.Members.Persistence;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Loyalty.Members.Transactions;

/// <summary>
/// Credits the purchases held for a new member's card numbers and external ids, through the same path as a purchase
/// posted now. Runs in the outbox dispatcher's transaction, so a held purchase is credited and marked claimed together.
/// </summary>
internal sealed class CreditHeldTransactionsOnMemberEnrolled(MembersDbContext db, TransactionRecorder recorder, TimeProvider clock)
    : IIntegrationEventHandler<MemberEnrolled>
{
    public async Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().SingleAsync(p => p.Id == integrationEvent.ProgramId, cancellationToken);
        var identifiers = await db.MemberIdentifiers.AsNoTracking()
            .Where(i => i.MemberId == integrationEvent.MemberId)
            .Select(i => new { i.Kind, i.Value })
            .ToListAsync(cancellationToken);
        foreach (var identifier in identifiers)
        {
            var held = await db.HeldTransactions.AsNoTracking()
                .Where(h => h.ProgramId == program.Id && h.IdentifierKind == identifier.Kind && h.IdentifierValue == identifier.Value
                    && h.ClaimedAt == null && h.ClaimableUntil >= integrationEvent.OccurredAt)
                .OrderBy(h => h.OccurredAt)
                .ToListAsync(cancellationToken);
            foreach (var transaction in held)
            {
                var request = JsonSerializer.Deserialize<TransactionRequest>(transaction.Request)!;
                // The request names the member by the identifier they now have; a refusal (a suspended member) leaves it unclaimed.
                if (await recorder.RecordAsync(program, request, cancellationToken) is TransactionOutcome.Recorded)
                {
                    var now = clock.GetUtcNow();
                    await db.HeldTransactions.Where(h => h.Id == transaction.Id).ExecuteUpdateAsync(
                        set => set.SetProperty(h => h.ClaimedByMemberId, integrationEvent.MemberId).SetProperty(h => h.ClaimedAt, now),
                        cancellationToken);
                }
            }
        }
    }
}

/// <summary>Deletes held purchases nobody claimed in time: they name a card or customer id, which is not kept without need.</summary>
[DisallowConcurrentExecution]
internal sealed class PurgeUnclaimedHeldTransactionsJob(MembersDbContext db, TimeProvider clock, ILogger<PurgeUnclaimedHeldTransactionsJob> logger) : IJob
{
    public static readonly JobKey Key = new(nameof(PurgeUnclaimedHeldTransactionsJob), MembersDbContext.SchemaName);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var purged = await db.HeldTransactions.Where(h => h.ClaimedAt == null && h.ClaimableUntil < now).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Purged {Count} unclaimed held transactions", purged);
    }
}
