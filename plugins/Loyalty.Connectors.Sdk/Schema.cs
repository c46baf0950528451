namespace Loyalty.Connectors.Sdk;

/// <summary>An object (table, sObject) of the CRM that can be synchronised.</summary>
public sealed record ObjectDescriptor
{
    public required string Name { get; init; }

    public string? Label { get; init; }

    public required IReadOnlyList<FieldDescriptor> Fields { get; init; }

    public ObjectCapabilities Capabilities { get; init; } = ObjectCapabilities.Read | ObjectCapabilities.Write | ObjectCapabilities.Delete;
}

[Flags]
public enum ObjectCapabilities
{
    None = 0,
    /// <summary>Full and incremental reads, including deletions.</summary>
    Read = 1,
    /// <summary>Upserts by an external id field.</summary>
    Write = 2,
    Delete = 4,
}

public sealed record FieldDescriptor
{
    public required string Name { get; init; }

    public string? Label { get; init; }

    public FieldType Type { get; init; } = FieldType.String;

    public bool IsRequired { get; init; }

    /// <summary>Computed or system fields the connector cannot write.</summary>
    public bool IsReadOnly { get; init; }

    /// <summary>Can be the key of <see cref="WriteRequest.ExternalIdField"/>.</summary>
    public bool IsExternalId { get; init; }

    /// <summary>A field the customer added to the CRM (Salesforce's __c fields).</summary>
    public bool IsCustom { get; init; }

    public int? MaxLength { get; init; }
}

/// <summary>
/// The type of a field, and so the invariant text format of its values in <see cref="RecordChange.Fields"/> and
/// <see cref="RecordUpsert.Fields"/>: values cross the contract as strings, converted by the connector from and to
/// the CRM's wire format.
/// </summary>
public enum FieldType
{
    String,
    /// <summary>"true" or "false".</summary>
    Boolean,
    /// <summary>Invariant digits, optional leading '-'.</summary>
    Integer,
    /// <summary>Invariant decimal, '.' as separator, no grouping.</summary>
    Decimal,
    /// <summary>ISO 8601 date, "yyyy-MM-dd".</summary>
    Date,
    /// <summary>ISO 8601 with offset, "yyyy-MM-ddTHH:mm:ss.fffZ" in UTC.</summary>
    DateTime,
    Email,
    Phone,
    /// <summary>One value of a fixed list.</summary>
    Picklist,
    /// <summary>The id of another record.</summary>
    Reference,
}
