using System.Text.Json;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 5 for complete (non-streamed) answers: reads the upstream's body into its typed answer (inside the attempt
/// loop, so a broken body counts against the target once), runs the response policies on its text, and gives the
/// client the upstream's bytes — re-written only when a policy redacted something.
/// </summary>
internal sealed class CompletionStage(RequestPolicyStage policies, OutcomeRecorder recorder)
{
    public static AttemptLoop.AnswerReader ReaderFor(UpstreamOperation operation) => operation switch
    {
        UpstreamOperation.ChatCompletions => ReadChat,
        UpstreamOperation.Responses => ReadResponse,
        UpstreamOperation.Embeddings => ReadEmbeddings,
        _ => ReadObject,
    };

    /// <summary>The answer to send, or the policy block that replaces it.</summary>
    public (byte[]? Body, GatewayError? Error) Finish(CanonicalExchange exchange, AttemptResult attempt, RequestOutcome outcome)
    {
        var body = attempt.Body!;
        var segments = attempt.Answer switch
        {
            ChatCompletion chat => ChatTextSegments.FromCompletion(chat),
            ResponsesResponse response => ChatTextSegments.FromResponse(response),
            _ => null,
        };
        if (attempt.Answer is ChatCompletion completion && policies.KeepText)
        {
            // Only the audit record holds Azure's filter results: without an audit sink they are not gathered.
            outcome.ContentFilterResults = AzureContentFilter.CollectFromAnswer(body, completion.Choices);
        }

        var usage = attempt.Answer switch
        {
            ChatCompletion chat => chat.Usage,
            ResponsesResponse response => response.Usage,
            _ => ReadEmbeddingsUsage(body),
        };
        outcome.PromptTokens = usage?.Prompt ?? 0;
        outcome.CompletionTokens = usage?.Completion ?? 0;
        if (segments is null)
        {
            return (body, null);
        }

        if (policies.Enabled)
        {
            var result = policies.Chain.RunResponse(segments.Segments);
            outcome.AddDecisions(result.Decisions);
            recorder.Decisions(result.Decisions);
            if (result.BlockingDecision is { } block)
            {
                return (null, GatewayError.Blocked(block, response: true));
            }

            if (segments.WriteBack())
            {
                body = attempt.Answer is ChatCompletion chat
                    ? ChatAnswerBody.WithChoices(body, chat.Choices)
                    : JsonSerializer.SerializeToUtf8Bytes((ResponsesResponse)attempt.Answer!, GatewayJson.Default.ResponsesResponse);
            }
        }

        if (policies.KeepContent)
        {
            outcome.CompletionText = segments.JoinedText();
        }
        return (body, null);
    }

    // An answer without the part that carries its text is refused (fail closed): passed through, it would reach the
    // client without the response policies seeing anything. An empty array stays valid (Azure's content-filtered
    // prompts answer "choices": []); extra fields are ignored.
    private static bool ReadChat(byte[] body, out object? answer, out string? missing)
    {
        var ok = TryRead(body, GatewayJson.Default.ChatCompletion, out answer);
        missing = ok && ((ChatCompletion)answer!).Choices is null ? "'choices' array" : null;
        return ok && missing is null;
    }

    private static bool ReadResponse(byte[] body, out object? answer, out string? missing)
    {
        var ok = TryRead(body, GatewayJson.Default.ResponsesResponse, out answer);
        missing = ok && ((ResponsesResponse)answer!).Output is null ? "'output' array" : null;
        return ok && missing is null;
    }

    private static bool ReadEmbeddings(byte[] body, out object? answer, out string? missing) =>
        ReadObject(body, "data"u8, "'data' array", out answer, out missing);

    private static bool ReadObject(byte[] body, out object? answer, out string? missing) =>
        ReadObject(body, default, null, out answer, out missing);

    /// <summary>A JSON object; with <paramref name="requiredName"/>, one that has the array <paramref name="requiredArray"/> at its top level.</summary>
    private static bool ReadObject(byte[] body, ReadOnlySpan<byte> requiredArray, string? requiredName, out object? answer, out string? missing)
    {
        answer = null;
        missing = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            if (requiredName is null)
            {
                reader.Skip();
                return true;
            }

            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRequired = reader.ValueTextEquals(requiredArray);
                reader.Read();
                found |= isRequired && reader.TokenType == JsonTokenType.StartArray;
                reader.Skip();
            }

            missing = found ? null : requiredName;
            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryRead<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, out object? answer)
        where T : class
    {
        try
        {
            answer = JsonSerializer.Deserialize(body, type);
            return answer is not null;
        }
        catch (JsonException)
        {
            answer = null;
            return false;
        }
    }

    private static TokenUsage? ReadEmbeddingsUsage(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                return JsonSerializer.Deserialize(ref reader, GatewayJson.Default.TokenUsage);
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
            {
                reader.Skip();
            }
        }

        return null;
    }
}
