using System.Net;
using System.Text.RegularExpressions;
using Loyalty.Consent.Requests;
using Loyalty.Shared.Http;

namespace Loyalty.Consent.Consents;

/// <summary>A member's consent to one purpose: several purposes are several grants, never one flag.</summary>
/// <param name="Purposes">Not accepted: present only so that a list of purposes is refused by name.</param>
/// <param name="Channel">Omitted: every channel of the purpose (as for profiling, which sends nothing).</param>
internal sealed record GrantRequest(
    string? Purpose, string[]? Purposes, string? Channel, int? TextVersion, string? Locale, string? Source, string? IpAddress, string? FormId,
    DateTimeOffset? OccurredAt, string? ExternalId);

/// <param name="Channel">Omitted: every channel of the purpose.</param>
internal sealed record WithdrawRequest(
    string? Purpose, string? Channel, string? Source, string? IpAddress, string? FormId, DateTimeOffset? OccurredAt, string? ExternalId);

internal sealed record Withdrawal(ConsentSource Source, string? IpAddress, string? FormId, DateTimeOffset? OccurredAt, string? ExternalId);

internal sealed record ConsentRecordDto(
    Guid Id, Guid MemberId, string Purpose, string? Channel, string Status, int? TextVersion, string? Locale, DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt, string Source, string? IpAddress, string? FormId, string? ExternalId, string RecordedBy)
{
    public static ConsentRecordDto From(ConsentRecord r) => new(
        r.Id, r.MemberId, r.PurposeKey, r.Channel == ConsentRecord.AnyChannel ? null : r.Channel, r.Granted ? "granted" : "withdrawn", r.TextVersion, r.Locale,
        r.OccurredAt, r.RecordedAt, RequestDto.Name(r.Source), r.IpAddress, r.FormId, r.ExternalId, r.RecordedBy);
}

/// <param name="Status"><c>granted</c>, <c>withdrawn</c> or <c>none</c> (never asked).</param>
/// <param name="Counts">Whether the gate lets the purpose be used on the channel now (false while objected or restricted).</param>
/// <param name="ReconsentNeeded">Granted under a text older than the purpose's last material change: ask again.</param>
internal sealed record ConsentStateDto(
    string Purpose, string? Channel, string Status, int? TextVersion, int CurrentVersion, bool Counts, bool ReconsentNeeded, DateTimeOffset? OccurredAt, string? Source);

internal sealed record MemberConsentsDto(Guid MemberId, bool Objected, bool Restricted, IReadOnlyList<ConsentStateDto> Consents);

internal static partial class ConsentRequests
{
    public static string SourceNames => RequestDto.Names<ConsentSource>();

    public static bool TryParseSource(string? text, out ConsentSource source) => RequestDto.TryParse(text, out source);

    /// <summary>Purpose keys and channels: lower-case words joined by hyphens, as in <c>email-marketing</c>.</summary>
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    public static partial Regex Token();

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    public static partial Regex LocaleTag();

    public static ValidationErrors CheckPurpose(this ValidationErrors errors, string? purpose) =>
        errors.Check(purpose is { Length: > 0 and <= 60 } && Token().IsMatch(purpose), "purpose",
            "Give one purpose key (lower-case words joined by hyphens, at most 60 characters); a grant is for one purpose, so send one grant per purpose.");

    public static ValidationErrors CheckChannel(this ValidationErrors errors, string? channel) =>
        errors.Check(channel is null || (channel.Length <= 40 && channel != ConsentRecord.AnyChannel && Token().IsMatch(channel)), "channel",
            "Give a channel such as email, sms or push (lower-case, at most 40 characters), or leave it out for every channel.");

    public static ValidationErrors CheckEvidence(this ValidationErrors errors, ConsentSource? source, string? ipAddress, string? formId, DateTimeOffset? occurredAt, string? externalId, DateTimeOffset now) =>
        errors.Check(source is not null, "source", $"Give one of {SourceNames}.")
            .Check(ipAddress is null || (ipAddress.Length <= 45 && IPAddress.TryParse(ipAddress, out _)), "ipAddress", "Give an IPv4 or IPv6 address.")
            .CheckText(formId, "formId", required: false, max: 200)
            .CheckText(externalId, "externalId", required: false, max: 200)
            .Check(occurredAt is null || occurredAt <= now.AddMinutes(5), "occurredAt", "Cannot be in the future.");
}
