using System.Text.Json;

namespace KeepTrusts.Engine.Gateway;

/// <summary>Error bodies in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public static class OpenAIError
{
    public const string InvalidRequest = "invalid_request_error";
    public const string PolicyViolation = "policy_violation";
    public const string Authentication = "authentication_error";

    /// <summary>403: the key is valid but may not do this (a virtual key's model or route allow-list).</summary>
    public const string Permission = "permission_error";
    public const string RateLimit = "rate_limit_error";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";

    public static byte[] Body(string message, string type, string? code = null, string? param = null, Action<Utf8JsonWriter>? extra = null)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", type);
            if (param is null)
            {
                writer.WriteNull("param");
            }
            else
            {
                writer.WriteString("param", param);
            }

            if (code is null)
            {
                writer.WriteNull("code");
            }
            else
            {
                writer.WriteString("code", code);
            }

            extra?.Invoke(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
