using Loyalty.Campaigns.Activities;
using Loyalty.Campaigns.Persistence;
using Loyalty.Members.Contracts;
using Loyalty.Shared.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.Campaigns.Referrals;

/// <summary>Reads and creates members' referral codes.</summary>
internal sealed class ReferralCodes(CampaignsDbContext db, TimeProvider clock)
{
    /// <summary>The member's code, created on first use (members enrolled before referrals existed get one when asked).</summary>
    public async Task<ReferralCode> EnsureAsync(string program, Guid memberId, CancellationToken cancellationToken)
    {
        if (await db.ReferralCodes.FirstOrDefaultAsync(c => c.Program == program && c.MemberId == memberId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var code = new ReferralCode
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), Program = program, MemberId = memberId, Code = ReferralCode.Generate(), CreatedAt = clock.GetUtcNow(),
        };
        db.ReferralCodes.Add(code);
        return code;
    }
}

/// <summary>
/// Gives the new member a code and, when the enrolment carried a referrer's code, records the referral: pending, or
/// refused (own code, same email or phone as the referrer, referrer not active, referrer's monthly cap), under the
/// program's <see cref="ReferralSettings"/>. An unknown code records nothing.
/// </summary>
internal sealed class RecordReferralOnMemberEnrolled(
    CampaignsDbContext db, ReferralCodes codes, IActivityPoints members, IMemberContacts contacts, IOptions<ReferralOptions> options, TimeProvider clock,
    ILogger<RecordReferralOnMemberEnrolled> logger)
    : IIntegrationEventHandler<MemberEnrolled>
{
    public async Task HandleAsync(MemberEnrolled integrationEvent, CancellationToken cancellationToken)
    {
        if (await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        await codes.EnsureAsync(program, integrationEvent.MemberId, cancellationToken);
        if (integrationEvent.ReferralCode is { } given
            && !await db.Referrals.AnyAsync(r => r.Program == program && r.ReferredId == integrationEvent.MemberId, cancellationToken))
        {
            var normalized = ReferralCode.Normalize(given);
            var owner = await db.ReferralCodes.AsNoTracking().FirstOrDefaultAsync(c => c.Program == program && c.Code == normalized, cancellationToken);
            if (owner is null)
            {
                logger.LogInformation("Referral not recorded for member {MemberId} in {Program}: unknown code", integrationEvent.MemberId, program);
            }
            else
            {
                var settings = await ReferralSettings.ForProgramAsync(db, options.Value, program, cancellationToken);
                var referral = new Referral
                {
                    Id = Guid.CreateVersion7(clock.GetUtcNow()),
                    Program = program,
                    ReferrerId = owner.MemberId,
                    ReferredId = integrationEvent.MemberId,
                    Status = ReferralStatus.Pending,
                    CreatedAt = integrationEvent.OccurredAt,
                    CompleteBy = integrationEvent.OccurredAt.AddDays(settings.CompletionWindowDays),
                };
                var reason = await RefusalAsync(program, referral, settings, cancellationToken);
                if (reason is not null)
                {
                    referral.Status = ReferralStatus.Refused;
                    referral.Reason = reason;
                    referral.ResolvedAt = clock.GetUtcNow();
                    logger.LogWarning("Referral {ReferralId} of referrer {ReferrerId} for member {MemberId} refused at enrolment: {Reason}",
                        referral.Id, referral.ReferrerId, referral.ReferredId, reason);
                }

                db.Referrals.Add(referral);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<string?> RefusalAsync(string program, Referral referral, ReferralSettings settings, CancellationToken cancellationToken)
    {
        if (referral.ReferrerId == referral.ReferredId)
        {
            return ReferralReasons.OwnCode;
        }

        if (settings.CheckSameContact && await contacts.ShareContactAsync(program, referral.ReferrerId, referral.ReferredId, cancellationToken))
        {
            return ReferralReasons.SameContact;
        }

        if (await members.FindAsync(program, referral.ReferrerId, cancellationToken) is not { Active: true })
        {
            return ReferralReasons.ReferrerNotActive;
        }

        var at = referral.CreatedAt.ToUniversalTime();
        var monthStart = new DateTimeOffset(at.Year, at.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var nextMonth = monthStart.AddMonths(1);
        var started = await db.Referrals.CountAsync(r => r.Program == program && r.ReferrerId == referral.ReferrerId && r.Status != ReferralStatus.Refused
            && r.CreatedAt >= monthStart && r.CreatedAt < nextMonth, cancellationToken);
        return started >= settings.MonthlyCapPerReferrer ? ReferralReasons.MonthlyCap : null;
    }
}

internal static class ReferralReasons
{
    public const string OwnCode = "ownCode";
    public const string SameContact = "sameContact";
    public const string ReferrerNotActive = "referrerNotActive";
    public const string ReferredNotActive = "referredNotActive";
    public const string MonthlyCap = "monthlyCap";
    public const string SamePaymentFingerprint = "samePaymentFingerprint";
}

/// <summary>
/// Completes a pending referral on the referred member's first purchase that earned points (a <see cref="PointsAccrued"/>
/// of a <c>transaction</c>) inside the window: queues <c>referralCompleted</c> for the referrer and
/// <c>referredCompleted</c> for the referred member, under external ids derived from the referral so each is credited once.
/// A purchase after the window expires the referral. Refused instead when a member is no longer active or, as the
/// program's <see cref="ReferralSettings"/> ask, the two share a contact or a means of payment (payment fingerprint).
/// </summary>
internal sealed class CompleteReferralOnPointsAccrued(
    CampaignsDbContext db, IActivityPoints members, IMemberContacts contacts, IOptions<ReferralOptions> options, TimeProvider clock,
    ILogger<CompleteReferralOnPointsAccrued> logger)
    : IIntegrationEventHandler<PointsAccrued>
{
    public const string PurchaseReferenceType = "transaction";

    public async Task HandleAsync(PointsAccrued integrationEvent, CancellationToken cancellationToken)
    {
        if (integrationEvent.ReferenceType != PurchaseReferenceType || integrationEvent.Points <= 0
            || await members.ProgramCodeAsync(integrationEvent.ProgramId, cancellationToken) is not { } program)
        {
            return;
        }

        var referral = await db.Referrals.FirstOrDefaultAsync(
            r => r.Program == program && r.ReferredId == integrationEvent.MemberId && r.Status == ReferralStatus.Pending, cancellationToken);
        if (referral is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var settings = await ReferralSettings.ForProgramAsync(db, options.Value, program, cancellationToken);
        if (integrationEvent.OccurredAt > referral.CompleteBy)
        {
            referral.ExpireIfDue(integrationEvent.OccurredAt);
            logger.LogInformation("Referral {ReferralId} expired: first qualifying purchase after the window", referral.Id);
        }
        else if (await members.FindAsync(program, referral.ReferrerId, cancellationToken) is not { Active: true })
        {
            Refuse(referral, ReferralReasons.ReferrerNotActive, now);
        }
        else if (await members.FindAsync(program, referral.ReferredId, cancellationToken) is not { Active: true })
        {
            Refuse(referral, ReferralReasons.ReferredNotActive, now);
        }
        else if (settings.CheckSameContact && await contacts.ShareContactAsync(program, referral.ReferrerId, referral.ReferredId, cancellationToken))
        {
            // A profile may have been changed since enrolment to the referrer's phone or email.
            Refuse(referral, ReferralReasons.SameContact, now);
        }
        else if (settings.CheckPaymentFingerprint && await contacts.SharePaymentFingerprintAsync(program, referral.ReferrerId, referral.ReferredId, cancellationToken))
        {
            Refuse(referral, ReferralReasons.SamePaymentFingerprint, now);
        }
        else
        {
            referral.Status = ReferralStatus.Completed;
            referral.ResolvedAt = integrationEvent.OccurredAt;
            Queue(program, $"referral:{referral.Id:N}:referrer", referral.ReferrerId, ActivityTriggers.ReferralCompleted, integrationEvent.OccurredAt, now);
            Queue(program, $"referral:{referral.Id:N}:referred", referral.ReferredId, ActivityTriggers.ReferredCompleted, integrationEvent.OccurredAt, now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private void Refuse(Referral referral, string reason, DateTimeOffset now)
    {
        referral.Status = ReferralStatus.Refused;
        referral.Reason = reason;
        referral.ResolvedAt = now;
        logger.LogWarning("Referral {ReferralId} of referrer {ReferrerId} for member {MemberId} refused at completion: {Reason}",
            referral.Id, referral.ReferrerId, referral.ReferredId, reason);
    }

    private void Queue(string program, string externalId, Guid memberId, string type, DateTimeOffset occurredAt, DateTimeOffset now) =>
        db.PendingActivities.Add(new PendingActivity
        {
            Id = Guid.CreateVersion7(now), Program = program, ExternalId = externalId, MemberId = memberId, Type = type, OccurredAt = occurredAt, QueuedAt = now,
        });
}
