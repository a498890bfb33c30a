using System.Text;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// An upstream error body in the shape OpenAI and Azure OpenAI clients parse, <c>{"error":{"message","type","param","code"}}</c>:
/// a JSON error that already has it passes unchanged (Azure's content-filter body with its innererror included); one
/// missing fields (Azure's <c>{"error":{"code","message"}}</c>) gets them added, its other members kept; anything else
/// (HTML from a proxy, plain text, broken JSON) is replaced by a message naming the status and content type. The
/// original text is what the audit record keeps.
/// </summary>
public static class UpstreamErrorBody
{
    public static (byte[] Body, string? Original) Normalize(byte[] body, int status, string? contentType, string targetId, StrictJsonRules rules)
    {
        var original = body.Length == 0 ? null : Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 1 << 20)));
        if (StrictJsonReader.Check(body, rules) is null)
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                if (error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String &&
                    error.TryGetProperty("type", out var t) && t.ValueKind is JsonValueKind.String or JsonValueKind.Null &&
                    error.TryGetProperty("code", out _) && error.TryGetProperty("param", out _))
                {
                    return (body, original);
                }

                return (Complete(error, status), original);
            }
        }

        var kind = string.IsNullOrEmpty(contentType) ? "no content type" : contentType;
        var message = string.Create(CultureInfo.InvariantCulture, $"The upstream (target '{targetId}') answered HTTP {status} with a body that is not an OpenAI error ({kind}, {body.Length} bytes); it is kept in the audit record.");
        return (OpenAIError.Body(message, TypeFor(status), "upstream_error"), original);
    }

    private static byte[] Complete(JsonElement error, int status)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : string.Create(CultureInfo.InvariantCulture, $"The upstream answered HTTP {status}."));
            if (error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String)
            {
                writer.WriteString("type", t.GetString());
            }
            else
            {
                writer.WriteString("type", TypeFor(status));
            }

            WriteOrNull(writer, error, "param");
            WriteOrNull(writer, error, "code");
            foreach (var member in error.EnumerateObject())
            {
                if (member.Name is not ("message" or "type" or "param" or "code"))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteOrNull(Utf8JsonWriter writer, JsonElement error, string name)
    {
        if (error.TryGetProperty(name, out var value))
        {
            // Azure sends code as a string ("429"); a number is written as its text, the way OpenAI clients expect a code.
            if (value.ValueKind == JsonValueKind.Number)
            {
                writer.WriteString(name, value.GetRawText());
            }
            else
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string TypeFor(int status) => status switch
    {
        401 or 403 => OpenAIError.Authentication,
        429 => OpenAIError.RateLimit,
        >= 500 => OpenAIError.Upstream,
        _ => OpenAIError.InvalidRequest,
    };
}
