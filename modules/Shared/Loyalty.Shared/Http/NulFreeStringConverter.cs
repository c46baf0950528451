using System.Text.Json;
using System.Text.Json.Serialization;

namespace Loyalty.Shared.Http;

/// <summary>
/// Refuses text containing U+0000 in request bodies: PostgreSQL cannot store it in a text column, so it would fail at
/// the database instead of at the field. The request answers 400 naming the field (see the host's
/// UnreadableRequestHandler).
/// </summary>
public sealed class NulFreeStringConverter : JsonConverter<string>
{
    public const string Reason = "Text may not contain the NUL character (U+0000).";

    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString())!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    private static string? Checked(string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? throw new JsonException(Reason) : value;
}
