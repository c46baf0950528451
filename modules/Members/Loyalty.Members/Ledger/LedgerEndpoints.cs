using Loyalty.Members.Contracts;
using Loyalty.Members.Enrollment;
using Loyalty.Members.Merge;
using Loyalty.Members.Persistence;
using Loyalty.Members.Programs;
using Loyalty.Members.Tiers;
using Loyalty.Shared.Auditing;
using Loyalty.Shared.Http;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Loyalty.Members.Ledger;

internal sealed record BalanceDto(string Currency, long Available, long Pending);

internal sealed record LedgerEntryDto(Guid Id, string Currency, string Type, long Points, string ReferenceType, string ReferenceId, string? Reason, string Actor, DateTimeOffset CreatedAt, DateTimeOffset? AvailableAt);

internal sealed record LedgerPage(IReadOnlyList<LedgerEntryDto> Items, Guid? Next);

internal sealed record ExpiringPointsDto(DateTimeOffset ExpiresAt, long Points);

internal sealed record AdjustPointsRequest(long? Points, string? Reason, string? Currency);

internal sealed record RedeemPointsRequest(long? Points, string? Reference);

internal static class LedgerEndpoints
{
    public static void MapLedgerEndpoints(this RouteGroupBuilder api)
    {
        var member = api.MapGroup("/programs/{program}/members/{memberId:guid}");
        member.MapGet("/balances", Balances).RequireAuthorization(Policies.SupportMembers);
        member.MapGet("/ledger", History).RequireAuthorization(Policies.SupportMembers);
        member.MapGet("/expiring-points", Expiring).RequireAuthorization(Policies.SupportMembers);
        member.MapPost("/adjustments", Adjust).RequireAuthorization(Policies.SupportMembers).WithIdempotencyKey<MembersDbContext>()
            .WithExample("Credit or debit points by hand, with a reason", new AdjustPointsRequest(50, "Goodwill: coffee machine was broken", "points"));
        member.MapPost("/redemptions", Redeem).RequireAuthorization(Policies.Integrate).WithIdempotencyKey<MembersDbContext>()
            .WithExample("Spend points (idempotent on the reference)", new RedeemPointsRequest(300, "R-7"));
        api.MapGet("/programs/{program}/ledger-check", Check).RequireAuthorization(Policies.Administer);
    }

    /// <summary>Recomputes the program's balances from the ledger; an empty list means all agree.</summary>
    private static async Task<Results<Ok<IReadOnlyList<LedgerMismatch>>, ProblemHttpResult>> Check(
        string program, MembersDbContext db, ILedgerConsistency consistency, CancellationToken cancellationToken) =>
        await db.FindProgramAsync(program, cancellationToken) is null
            ? ProgramLookup.UnknownProgram(program)
            : TypedResults.Ok(await consistency.CheckAsync(program, cancellationToken));

    private static async Task<Results<Ok<List<BalanceDto>>, ProblemHttpResult, NotFound>> Balances(
        string program, Guid memberId, MembersDbContext db, CancellationToken cancellationToken)
    {
        var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var accounts = await db.PointsAccounts.AsNoTracking().Where(a => a.MemberId == memberId).ToListAsync(cancellationToken);
        return TypedResults.Ok(new[] { loyaltyProgram.PointsCurrency, loyaltyProgram.QualifyingCurrency }
            .Select(currency => accounts.SingleOrDefault(a => a.Currency == currency) is { } a
                ? new BalanceDto(currency, a.Available, a.Pending)
                : new BalanceDto(currency, 0, 0))
            .ToList());
    }

    /// <summary>The member's entries newest first, a cursor page at a time, optionally of one <c>type</c> and created in [<c>from</c>, <c>to</c>); <c>before</c> pages within the same filter.</summary>
    private static async Task<Results<Ok<LedgerPage>, ProblemHttpResult, NotFound, ValidationProblem>> History(
        string program, Guid memberId, Guid? before, int? limit, string? type, DateTimeOffset? from, DateTimeOffset? to, MembersDbContext db,
        CancellationToken cancellationToken)
    {
        var size = limit ?? 50;
        LedgerEntryType? entryType = type is not null && !type.Any(char.IsDigit) && Enum.TryParse<LedgerEntryType>(type, true, out var parsed) ? parsed : null;
        var errors = new ValidationErrors()
            .Check(size is >= 1 and <= MemberEndpoints.MaxPageSize, "limit", $"Give a page size between 1 and {MemberEndpoints.MaxPageSize}.")
            .Check(type is null || entryType is not null, "type", $"Give one of {string.Join(", ", Enum.GetNames<LedgerEntryType>())}.")
            .Check(from is null || to is null || from < to, "from", "Give a from before to.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var query = from entry in db.LedgerEntries.AsNoTracking()
                    join account in db.PointsAccounts on entry.AccountId equals account.Id
                    where entry.MemberId == memberId
                    select new { entry, account.Currency };
        if (before is not null)
        {
            query = query.Where(e => e.entry.Id.CompareTo(before.Value) < 0);
        }

        if (entryType is not null)
        {
            query = query.Where(e => e.entry.Type == entryType);
        }

        if (from is not null)
        {
            query = query.Where(e => e.entry.CreatedAt >= from);
        }

        if (to is not null)
        {
            query = query.Where(e => e.entry.CreatedAt < to);
        }

        var page = await query.OrderByDescending(e => e.entry.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = page.Take(size).Select(e => new LedgerEntryDto(
            e.entry.Id, e.Currency, e.entry.Type.ToString(), e.entry.Points, e.entry.ReferenceType, e.entry.ReferenceId,
            e.entry.Reason, e.entry.Actor, e.entry.CreatedAt, e.entry.AvailableAt)).ToList();
        return TypedResults.Ok(new LedgerPage(items, page.Count > size ? items[^1].Id : null));
    }

    /// <summary>Spendable points that expire within <c>days</c> (default 90), by expiry date.</summary>
    private static async Task<Results<Ok<List<ExpiringPointsDto>>, ProblemHttpResult, NotFound, ValidationProblem>> Expiring(
        string program, Guid memberId, int? days, MembersDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var window = days ?? 90;
        if (window is < 1 or > 3660)
        {
            return new ValidationErrors().Check(false, "days", "Give 1 to 3660 days.").ToProblem();
        }

        var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, cancellationToken);
        if (loyaltyProgram is null)
        {
            return ProgramLookup.UnknownProgram(program);
        }

        if (member is null)
        {
            return TypedResults.NotFound();
        }

        var until = clock.GetUtcNow().AddDays(window);
        var lots = await db.PointsLots.AsNoTracking()
            .Join(db.PointsAccounts, l => l.AccountId, a => a.Id, (l, a) => new { Lot = l, Account = a })
            .Where(x => x.Account.MemberId == memberId && x.Account.Currency == loyaltyProgram.PointsCurrency
                && x.Lot.Remaining > 0 && x.Lot.ExpiredAt == null && x.Lot.ExpiresAt != null && x.Lot.ExpiresAt <= until)
            .Select(x => new { ExpiresAt = x.Lot.ExpiresAt!.Value, x.Lot.Remaining })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(lots.GroupBy(l => l.ExpiresAt).OrderBy(g => g.Key).Select(g => new ExpiringPointsDto(g.Key, g.Sum(l => l.Remaining))).ToList());
    }

    /// <summary>A manual correction with a mandatory reason, audited. A debit may not overdraw (422).</summary>
    private static async Task<Results<Ok<BalanceDto>, ProblemHttpResult, NotFound, ValidationProblem>> Adjust(
        string program, Guid memberId, AdjustPointsRequest request, MembersDbContext db, PointsLedger ledger, TierEvaluation tiers, AuditTrail audit, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.Points is >= -100_000_000 and <= 100_000_000 and not 0, "points", "Give a non-zero number of points, at most 100,000,000 either way.")
            .Check(!string.IsNullOrWhiteSpace(request.Reason) && request.Reason.Length <= 500, "reason", "Say why, in at most 500 characters.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await ConcurrencyRetry.RunAsync<Results<Ok<BalanceDto>, ProblemHttpResult, NotFound, ValidationProblem>>(db, async ct =>
        {
            var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, ct);
            if (loyaltyProgram is null)
            {
                return ProgramLookup.UnknownProgram(program);
            }

            if (member is null)
            {
                return TypedResults.NotFound();
            }

            if (member.Status == MemberStatus.Merged)
            {
                return MergeEndpoints.MergedInto(member);
            }

            var currency = request.Currency ?? loyaltyProgram.PointsCurrency;
            if (currency != loyaltyProgram.PointsCurrency && currency != loyaltyProgram.QualifyingCurrency)
            {
                return new ValidationErrors().Check(false, "currency", $"Use {loyaltyProgram.PointsCurrency} or {loyaltyProgram.QualifyingCurrency}.").ToProblem();
            }

            var account = await ledger.AccountAsync(loyaltyProgram, memberId, currency, ct);
            var entry = await ledger.AdjustAsync(loyaltyProgram, account, request.Points!.Value, request.Reason!, ct);
            if (entry is null)
            {
                return Overdraw(account.Available, -request.Points.Value);
            }

            audit.Record(db, "members.points.adjusted", "member", memberId.ToString(), new { points = request.Points, currency, entry = entry.Id });
            PublishChange(db, clock, loyaltyProgram, account, entry);
            if (currency == loyaltyProgram.QualifyingCurrency && entry.Points > 0)
            {
                await tiers.UpgradeAsync(loyaltyProgram, memberId, ct);
            }

            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new BalanceDto(currency, account.Available, account.Pending));
        }, cancellationToken);
    }

    /// <summary>
    /// Spends points. Idempotent on <c>reference</c> (the caller's redemption id): repeating it answers the first result.
    /// Overdrawing is refused with 422, also when two redemptions race for the same points.
    /// </summary>
    private static async Task<Results<Ok<BalanceDto>, ProblemHttpResult, NotFound, ValidationProblem>> Redeem(
        string program, Guid memberId, RedeemPointsRequest request, MembersDbContext db, PointsLedger ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors()
            .Check(request.Points is > 0 and <= 100_000_000, "points", "Give 1 to 100,000,000 points.")
            .Check(request.Reference is { Length: > 0 and <= 100 }, "reference", "Give your redemption id (1-100 characters); it makes a repeat safe.");
        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        return await ConcurrencyRetry.RunAsync<Results<Ok<BalanceDto>, ProblemHttpResult, NotFound, ValidationProblem>>(db, async ct =>
        {
            var (loyaltyProgram, member) = await MemberEndpoints.LoadAsync(db, program, memberId, tracked: false, ct);
            if (loyaltyProgram is null)
            {
                return ProgramLookup.UnknownProgram(program);
            }

            if (member is null)
            {
                return TypedResults.NotFound();
            }

            var account = await ledger.AccountAsync(loyaltyProgram, memberId, loyaltyProgram.PointsCurrency, ct);
            var done = await db.LedgerEntries.AnyAsync(e => e.AccountId == account.Id && e.Type == LedgerEntryType.Redemption && e.ReferenceType == "redemption" && e.ReferenceId == request.Reference, ct);
            if (done)
            {
                return TypedResults.Ok(new BalanceDto(account.Currency, account.Available, account.Pending));
            }

            if (member.Status != MemberStatus.Active)
            {
                return TypedResults.Problem(title: "The member cannot spend points.", detail: $"The membership is {member.Status.ToString().ToLowerInvariant()}.", statusCode: StatusCodes.Status422UnprocessableEntity);
            }

            var entry = await ledger.RedeemAsync(account, request.Points!.Value, new LedgerReference("redemption", request.Reference!), ct);
            if (entry is null)
            {
                return Overdraw(account.Available, request.Points.Value);
            }

            PublishChange(db, clock, loyaltyProgram, account, entry);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(new BalanceDto(account.Currency, account.Available, account.Pending));
        }, cancellationToken);
    }

    internal static void PublishChange(MembersDbContext db, TimeProvider clock, LoyaltyProgram program, PointsAccount account, LedgerEntry entry)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        db.Publish(entry.Points > 0
            ? new PointsAccrued(id, now, program.Id, account.MemberId, account.Currency, entry.Points, entry.ReferenceType, entry.ReferenceId, entry.AvailableAt ?? now, null)
            : entry.Type == LedgerEntryType.Reversal
                ? new PointsReversed(id, now, program.Id, account.MemberId, account.Currency, -entry.Points, entry.ReferenceType, entry.ReferenceId)
                : new PointsRedeemed(id, now, program.Id, account.MemberId, account.Currency, -entry.Points, entry.ReferenceType, entry.ReferenceId, account.Available));
    }

    private static ProblemHttpResult Overdraw(long available, long requested) =>
        TypedResults.Problem(
            title: "Not enough points.",
            detail: $"The member has {available} spendable points; {requested} were asked for.",
            statusCode: StatusCodes.Status422UnprocessableEntity);
}
