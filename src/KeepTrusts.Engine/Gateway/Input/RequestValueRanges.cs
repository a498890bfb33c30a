using System.Text.Json;

namespace KeepTrusts.Engine.Gateway.Input;

/// <summary>
/// The value ranges OpenAI documents for request fields (openai/openai-openapi, openapi.yaml:
/// CreateChatCompletionRequest's <c>n</c> 1–128, <c>presence_penalty</c> and <c>frequency_penalty</c> −2–2,
/// <c>top_logprobs</c> 0–20; CreateModelResponseProperties' <c>temperature</c> 0–2 and <c>top_p</c> 0–1, shared by
/// chat and the Responses API; ChatCompletionStreamOptions "only set this when you set stream: true"), checked once
/// while parsing for every route, OpenAI and Azure alike: a value out of range is a 400 naming the field instead of a
/// call that uses a target's rate limit only to be refused. Fields without a documented bound (<c>max_tokens</c>,
/// <c>max_completion_tokens</c>, <c>seed</c>) are left to the upstream. The JSON kinds were checked before (StrictJsonReader).
/// </summary>
internal static class RequestValueRanges
{
    private static readonly (string Name, double Min, double Max, bool Integer)[] Chat =
    [
        ("n", 1, 128, true),
        ("temperature", 0, 2, false),
        ("top_p", 0, 1, false),
        ("presence_penalty", -2, 2, false),
        ("frequency_penalty", -2, 2, false),
        ("top_logprobs", 0, 20, true),
    ];

    private static readonly (string Name, double Min, double Max, bool Integer)[] Responses =
    [
        ("temperature", 0, 2, false),
        ("top_p", 0, 1, false),
        ("top_logprobs", 0, 20, true),
    ];

    // A client's number is echoed in the message only while short (a 100,000-digit one is not).
    private const int MaxEchoedChars = 24;

    public static GatewayError? CheckChat(Dictionary<string, JsonElement>? fields, bool stream)
    {
        if (fields is null)
        {
            return null;
        }

        if (!stream && fields.TryGetValue("stream_options", out var options) && options.ValueKind != JsonValueKind.Null)
        {
            return GatewayError.Invalid("invalid_request", "'stream_options' is only allowed when 'stream' is true: remove it or set \"stream\": true.", "stream_options");
        }

        return Check(fields, Chat);
    }

    public static GatewayError? CheckResponses(Dictionary<string, JsonElement>? fields) => fields is null ? null : Check(fields, Responses);

    private static GatewayError? Check(Dictionary<string, JsonElement> fields, (string Name, double Min, double Max, bool Integer)[] ranges)
    {
        foreach (var (name, min, max, integer) in ranges)
        {
            if (!fields.TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.Number)
            {
                continue;
            }

            var inRange = integer
                ? value.TryGetInt64(out var whole) && whole >= min && whole <= max
                : value.TryGetDouble(out var number) && number >= min && number <= max;
            if (!inRange)
            {
                var raw = value.GetRawText();
                var got = raw.Length <= MaxEchoedChars ? $" (got {raw})" : string.Empty;
                var kind = integer ? "an integer" : "a number";
                return GatewayError.Invalid("invalid_request",
                    string.Create(CultureInfo.InvariantCulture, $"'{name}' must be {kind} from {min} to {max}{got}."), name);
            }
        }

        return null;
    }
}
