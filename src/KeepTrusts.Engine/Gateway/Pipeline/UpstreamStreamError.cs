using System.Text;
using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// An error the upstream sent as an event of a chat stream (<c>data: {"error":{...}}</c>), made into the stream's last
/// event: only its <c>error</c> member, in the shape clients parse (<c>message, type, param, code</c>, the upstream's
/// values kept), with the credential the gateway sent masked (<see cref="Input.SentCredentials"/>). The masked event as
/// it came is what the audit record keeps.
/// </summary>
internal sealed record UpstreamStreamError(byte[] Event, GatewayError Error, string Original)
{
    // Upstream-chosen text that becomes the record's error_code: bounded.
    private const int MaxCodeChars = 64;

    public static UpstreamStreamError From(byte[] raw, HttpResponseMessage upstream, string apiKeyHeader, string targetId, Input.StrictJsonRules rules)
    {
        var masked = Input.SentCredentials.Scrub(raw, upstream.RequestMessage, apiKeyHeader);
        using var document = JsonDocument.Parse(masked);
        var error = document.RootElement.GetProperty("error");
        // Only the error member: text in a choice beside it has not been through the response policies.
        var body = Input.UpstreamErrorBody.Normalize(Encoding.UTF8.GetBytes("{\"error\":" + error.GetRawText() + "}"), 502, "application/json", targetId, rules).Body;
        using var normalized = JsonDocument.Parse(body);
        var fields = normalized.RootElement.GetProperty("error");
        var message = fields.GetProperty("message").GetString() ?? string.Empty;
        var type = fields.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : OpenAIError.Upstream;
        var code = fields.TryGetProperty("code", out var c) && c.ValueKind is JsonValueKind.String or JsonValueKind.Number ? c.ToString() : null;
        code = string.IsNullOrEmpty(code) ? "upstream_error" : code.Length > MaxCodeChars ? code[..MaxCodeChars] : code;
        return new UpstreamStreamError(body, new GatewayError(502, type, code, message), Encoding.UTF8.GetString(masked));
    }
}
