using System.Globalization;
using Loyalty.Connectors.Sdk;
using Loyalty.Shared.Http;

namespace Loyalty.Connectors.Sync;

/// <param name="Program">The loyalty program's code the CRM's records belong to.</param>
/// <param name="Object">The CRM object synchronised, as discovered (<c>Contact</c>, <c>contacts</c>).</param>
/// <param name="ExternalIdField">The CRM field holding the loyalty member id: the key of outbound upserts.</param>
/// <param name="RecordIdField">The CRM field holding the record's id, usable as an upsert key (default <c>Id</c>): the first write to a record that came from the CRM goes by it.</param>
/// <param name="Erasure"><c>delete</c> (default) or <c>anonymise</c> the CRM record when its member is erased.</param>
/// <param name="CallsPerHour">At most this many connector calls per hour across the connection's runs (no limit when left out).</param>
internal sealed record SyncSetupRequest(
    string? Program, string? Object, string? ExternalIdField, List<FieldMapping>? Mappings,
    int? IntervalMinutes = null, int? LookBackSeconds = null, int? PageSize = null, string? Erasure = null, string? RecordIdField = null, int? CallsPerHour = null)
{
    public const string Delete = "delete";
    public const string Anonymise = "anonymise";
    public const string DefaultRecordIdField = "Id";

    public ValidationErrors Validate() => new ValidationErrors()
        .Check(Program is { Length: > 0 and <= 50 }, "program", "Give the code of a loyalty program.")
        .Check(Object is { Length: > 0 and <= 200 }, "object", "Give an object of the connection (GET …/objects).")
        .Check(ExternalIdField is { Length: > 0 and <= 200 }, "externalIdField", "Give the CRM field that holds the loyalty member id.")
        .Check(RecordIdField is null or { Length: > 0 and <= 200 }, "recordIdField", "Give the CRM field of the record id, such as Id.")
        .Check(Mappings is { Count: > 0 and <= 100 }, "mappings", "Give 1-100 field mappings.")
        .Check(IntervalMinutes is null or (>= 1 and <= 10080), "intervalMinutes", "Between 1 and 10080 (a week).")
        .Check(LookBackSeconds is null or (>= 0 and <= 86400), "lookBackSeconds", "Between 0 and 86400 (a day).")
        .Check(PageSize is null or (>= 1 and <= 2000), "pageSize", "Between 1 and 2000.")
        .Check(CallsPerHour is null or (>= 1 and <= 1_000_000), "callsPerHour", "Between 1 and 1000000, or leave it out for no budget.")
        .Check(Erasure is null or Delete or Anonymise, "erasure", "delete or anonymise.");

    /// <summary>Checks each mapping against the discovered object; errors are named <c>mappings[i].field</c>.</summary>
    public ValidationErrors ValidateAgainst(IReadOnlyList<ObjectDescriptor> objects)
    {
        var errors = new ValidationErrors();
        var crmObject = objects.FirstOrDefault(o => o.Name == Object);
        errors.Check(crmObject is not null, "object", $"The connection has no object '{Object}' (GET …/objects).");
        if (crmObject is null)
        {
            return errors;
        }

        var fields = crmObject.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var outbound = Mappings!.Any(m => m.Direction == SyncDirections.Outbound);
        errors.Check(!outbound || (fields.TryGetValue(ExternalIdField!, out var key) && key.IsExternalId), "externalIdField",
            $"'{ExternalIdField}' is not an external id field of {Object}.");
        var recordId = RecordIdField ?? DefaultRecordIdField;
        errors.Check(!outbound || !Mappings!.Any(m => m.IsInbound) || (fields.TryGetValue(recordId, out var idField) && idField.IsExternalId), "recordIdField",
            $"'{recordId}' is not a field of {Object} that can key an upsert; records read from the CRM need it to get the member id.");
        errors.Check(!outbound || crmObject.Capabilities.HasFlag(ObjectCapabilities.Write), "object", $"{Object} cannot be written, so it takes no outbound mapping.");
        errors.Check(outbound && !Mappings!.Any(m => m.IsInbound) || crmObject.Capabilities.HasFlag(ObjectCapabilities.Read), "object", $"{Object} cannot be read, so it takes no inbound mapping.");
        for (var i = 0; i < Mappings!.Count; i++)
        {
            var mapping = Mappings[i];
            var at = $"mappings[{i}]";
            if (mapping is null)
            {
                errors.Check(false, at, "Give a mapping.");
                continue;
            }

            var inbound = mapping.IsInbound;
            errors.Check(mapping.Direction is SyncDirections.Inbound or SyncDirections.Outbound, $"{at}.direction", "inbound or outbound.");
            errors.Check(mapping.LoyaltyField is not null && LoyaltyFields.IsValid(mapping.LoyaltyField, inbound), $"{at}.loyaltyField",
                inbound ? "Inbound sets email, phone, firstName, lastName, birthDate or locale." : "Give a member field, such as email, pointsBalance, tier, enrolledAt or consent.email-marketing.");
            var crmField = mapping.CrmField is null ? null : fields.GetValueOrDefault(mapping.CrmField);
            errors.Check(crmField is not null, $"{at}.crmField", $"{Object} has no field '{mapping.CrmField}'.");
            errors.Check(crmField is null || inbound || !crmField.IsReadOnly, $"{at}.crmField", $"'{mapping.CrmField}' is read-only in the CRM.");
            errors.Check(mapping.Conflict is null || (inbound && ConflictPolicies.All.Contains(mapping.Conflict)), $"{at}.conflict",
                "Inbound fields take crm-wins, loyalty-wins, most-recent-wins or crm-wins-unless-blank.");
            var transforms = mapping.Transforms ?? [];
            for (var t = 0; t < transforms.Count; t++)
            {
                var transform = transforms[t];
                var tat = $"{at}.transforms[{t}]";
                errors.Check(transform?.Kind is not null && FieldTransform.Kinds.Contains(transform.Kind), $"{tat}.kind", "trim, lower, upper, date, lookup or constant.");
                errors.Check(transform?.Kind != "date" || IsDateFormat(transform.Format), $"{tat}.format", "Give the CRM's date format, such as dd.MM.yyyy.");
                errors.Check(transform?.Kind != "lookup" || transform.Table is { Count: > 0 }, $"{tat}.table", "Give the lookup table: value → value.");
                errors.Check(transform?.Kind != "constant" || transform.Value is not null, $"{tat}.value", "Give the constant's value.");
            }
        }

        return errors;
    }

    private static bool IsDateFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format) || format.Length > 50)
        {
            return false;
        }

        var sample = new DateTime(2001, 2, 3, 0, 0, 0, DateTimeKind.Unspecified);
        try
        {
            return DateTime.TryParseExact(sample.ToString(format, CultureInfo.InvariantCulture), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var back)
                && back.Date == sample;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

internal sealed record SyncSetupDto(
    string Program, string Object, string ExternalIdField, string RecordIdField, IReadOnlyList<FieldMapping> Mappings,
    int IntervalMinutes, int LookBackSeconds, int PageSize, string Erasure, bool FullLoadDone, DateTimeOffset? NextRunAt, int? CallsPerHour)
{
    public static SyncSetupDto From(SyncSetup s) => new(
        s.ProgramCode, s.ObjectName, s.ExternalIdField, s.RecordIdField, s.ParsedMappings(), s.IntervalMinutes, s.LookBackSeconds, s.PageSize, s.ErasureMode,
        s.Cursor is not null, s.NextRunAt, s.CallsPerHour);
}

internal sealed record SyncRunDto(
    Guid Id, string Trigger, string Status, bool FullLoad, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, int Pages,
    SyncCounts Inbound, OutboundCounts Outbound, string? Error, int Calls)
{
    public static SyncRunDto From(SyncRun r) => new(
        r.Id, r.Trigger, r.Status.ToString().ToLowerInvariant(), r.FullLoad, r.QueuedAt, r.StartedAt, r.FinishedAt, r.Pages,
        new SyncCounts(r.Read, r.Created, r.Updated, r.Skipped, r.Failed, r.Conflicts), new OutboundCounts(r.Sent, r.SendSkipped, r.SendFailed), r.Error, r.Calls);
}

internal sealed record SyncCounts(long Read, long Created, long Updated, long Skipped, long Failed, long Conflicts);

internal sealed record OutboundCounts(long Sent, long Skipped, long Failed);

internal sealed record DeadLetterDto(
    Guid Id, Guid RunId, string Direction, string RecordKey, Guid? MemberId, string ErrorCode, string ErrorMessage, int Attempts, string Status, string Payload, DateTimeOffset CreatedAt);

internal sealed record SyncConflictDto(Guid Id, Guid MemberId, string LoyaltyField, string CrmField, string? LoyaltyValue, string? CrmValue, string Policy, string Winner, DateTimeOffset At);
