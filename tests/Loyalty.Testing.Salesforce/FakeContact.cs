using System.Text.Json.Nodes;

namespace Loyalty.Testing.Salesforce;

/// <summary>A Contact as the fake stores it; deleted records stay, with IsDeleted, as in Salesforce's recycle bin.</summary>
public sealed class FakeContact
{
    internal FakeContact(string id, DateTimeOffset now)
    {
        Id = id;
        CreatedDate = LastModifiedDate = SystemModstamp = now;
    }

    public string Id { get; }

    public bool IsDeleted { get; internal set; }

    public DateTimeOffset CreatedDate { get; }

    public DateTimeOffset LastModifiedDate { get; internal set; }

    public DateTimeOffset SystemModstamp { get; internal set; }

    public DateTimeOffset? DeletedDate { get; internal set; }

    internal Dictionary<string, JsonNode?> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A stored field as text (numbers in invariant form), or null when absent or null.</summary>
    public string? this[string field] => Fields.TryGetValue(field, out var value) && value is not null
        ? value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value.ToJsonString()
        : null;

    internal void Touch(DateTimeOffset now)
    {
        LastModifiedDate = now;
        SystemModstamp = now;
    }
}
