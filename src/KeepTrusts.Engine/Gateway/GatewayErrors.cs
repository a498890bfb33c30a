using System.Text.Json;

namespace KeepTrusts.Engine.Gateway;

/// <summary>
/// Error bodies in the client's dialect. OpenAI: <c>{"error":{"message","type","param","code"}}</c>. Azure OpenAI: the same
/// fields, and for a KeepTrusts block Azure's content-filter shape (code content_filter, innererror.code
/// ResponsibleAIPolicyViolation, content_filter_result naming the policy), which Azure SDKs and apps already handle.
/// </summary>
public static class GatewayErrors
{
    /// <summary>The key under content_filter_result(s) that carries a KeepTrusts decision.</summary>
    public const string FilterKey = "keeptrusts";

    public static byte[] Body(InboundDialect dialect, GatewayError error)
    {
        if (dialect == InboundDialect.AzureOpenAI && error.Block is { } block)
        {
            return OpenAIError.Body(error.Message, error.Type, "content_filter", "prompt", writer =>
            {
                writer.WriteNumber("status", error.Status);
                writer.WriteStartObject("innererror");
                writer.WriteString("code", "ResponsibleAIPolicyViolation");
                writer.WritePropertyName("content_filter_result");
                WriteFilterResult(writer, block.Policy, block.Reason);
                writer.WriteEndObject();
            });
        }

        return OpenAIError.Body(error.Message, error.Type, error.Code, error.Param);
    }

    /// <summary><c>{"keeptrusts":{"filtered":true,"policy":...,"reason":...}}</c>: Azure's filter-result shape naming our policy.</summary>
    public static void WriteFilterResult(Utf8JsonWriter writer, string policy, string reason)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(FilterKey);
        writer.WriteBoolean("filtered", true);
        writer.WriteString("policy", policy);
        writer.WriteString("reason", reason);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
