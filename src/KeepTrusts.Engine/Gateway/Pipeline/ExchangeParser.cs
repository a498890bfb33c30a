using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KeepTrusts.Engine.Gateway.Wire;
using KeepTrusts.Engine.Routing;
using KeepTrusts.Engine.Upstreams;

namespace KeepTrusts.Engine.Gateway.Pipeline;

/// <summary>
/// Stage 1, parse and inbound adapter: checks the body is one well-formed JSON object, reads it into the operation's
/// typed record, checks the fields the gateway relies on, and takes the model from the Azure deployment path when the
/// client spoke that dialect. Errors say which field is wrong and how to fix it.
/// </summary>
internal static class ExchangeParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static (CanonicalExchange? Exchange, GatewayError? Error) Parse(GatewayRequest request, TargetRouter router)
    {
        if (request.Chat is { } typed)
        {
            var (inProcess, error) = Chat(request, typed, null, router);
            if (inProcess is not null)
            {
                inProcess.Modified = true;
            }

            return (inProcess, error);
        }

        if (CheckSyntax(request.Body.Span) is { } syntax)
        {
            return (null, GatewayError.Invalid("invalid_json",
                $"The request body is not valid JSON: {syntax}. Send a JSON object such as {{\"model\":\"gpt-4o\",\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}]}}."));
        }

        var pathModel = request.Deployment is { } deployment ? DeploymentResolver.Resolve(router, deployment) : null;
        if (request.Deployment is not null && pathModel is null)
        {
            return (null, new GatewayError(404, OpenAIError.InvalidRequest, "DeploymentNotFound",
                $"The API deployment '{request.Deployment}' does not exist on this gateway. Deployments: {string.Join(", ", DeploymentResolver.Names(router))}."));
        }

        try
        {
            return request.Operation switch
            {
                UpstreamOperation.ChatCompletions => Chat(request, Read(request, GatewayJson.Default.ChatRequest), pathModel, router),
                UpstreamOperation.Embeddings => Embeddings(request, Read(request, GatewayJson.Default.EmbeddingsRequest), pathModel, router),
                _ => Responses(request, Read(request, GatewayJson.Default.ResponsesRequest), pathModel, router),
            };
        }
        catch (JsonException ex)
        {
            var field = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            var reason = ex.InnerException?.Message ?? ex.Message;
            if (ex is WireItemException item)
            {
                var where = field + item.Where;
                return (null, GatewayError.Invalid("invalid_request", $"'{where}' {item.Detail}.", where));
            }

            return field switch
            {
                "model" => (null, InvalidModel(router)),
                "stream" => (null, GatewayError.Invalid("invalid_request", "'stream' must be true or false.", "stream")),
                _ when field.EndsWith(".content", StringComparison.Ordinal) => (null, GatewayError.Invalid("invalid_request", $"'{field}' must be a string or an array of content parts.", field)),
                "" => (null, GatewayError.Invalid("invalid_json", "The request body must be a JSON object.")),
                _ => (null, GatewayError.Invalid("invalid_request", $"'{field}' {WireErrors.Describe(reason)}.", field)),
            };
        }
    }

    private static T Read<T>(GatewayRequest request, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(request.Body.Span, type) ?? throw new JsonException("null body", "$", null, null);

    private static (CanonicalExchange?, GatewayError?) Chat(GatewayRequest request, ChatRequest chat, string? pathModel, TargetRouter router)
    {
        var modified = SetModel(pathModel, chat.Model, m => chat.Model = m);
        if (string.IsNullOrEmpty(chat.Model))
        {
            return (null, InvalidModel(router));
        }

        if (chat.Messages is not { Count: > 0 } messages)
        {
            return (null, GatewayError.Invalid("invalid_request", "'messages' is required: a non-empty array of {\"role\", \"content\"} objects.", "messages"));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is null || string.IsNullOrEmpty(messages[i].Role))
            {
                return (null, GatewayError.Invalid("invalid_request", string.Create(CultureInfo.InvariantCulture, $"'messages[{i}]' must be an object with a string 'role'."), string.Create(CultureInfo.InvariantCulture, $"messages[{i}]")));
            }
        }

        if (Input.RequestValueRanges.CheckChat(chat.Extra, chat.Stream == true) is { } outOfRange)
        {
            return (null, outOfRange);
        }

        return (new CanonicalExchange
        {
            Request = request, Model = chat.Model, Stream = chat.Stream == true, Chat = chat, Segments = ChatTextSegments.FromChat(chat), Modified = modified,
        }, null);
    }

    private static (CanonicalExchange?, GatewayError?) Embeddings(GatewayRequest request, EmbeddingsRequest embeddings, string? pathModel, TargetRouter router)
    {
        var modified = SetModel(pathModel, embeddings.Model, m => embeddings.Model = m);
        if (string.IsNullOrEmpty(embeddings.Model))
        {
            return (null, InvalidModel(router));
        }

        if (embeddings.Input is not { ValueKind: JsonValueKind.String or JsonValueKind.Array })
        {
            return (null, GatewayError.Invalid("invalid_request", "'input' is required: a string or an array of strings.", "input"));
        }

        return (new CanonicalExchange
        {
            Request = request, Model = embeddings.Model, Embeddings = embeddings, Segments = ChatTextSegments.FromEmbeddings(embeddings), Modified = modified,
        }, null);
    }

    private static (CanonicalExchange?, GatewayError?) Responses(GatewayRequest request, ResponsesRequest responses, string? pathModel, TargetRouter router)
    {
        var modified = SetModel(pathModel, responses.Model, m => responses.Model = m);
        if (string.IsNullOrEmpty(responses.Model))
        {
            return (null, InvalidModel(router));
        }

        if (responses.Input is null)
        {
            return (null, GatewayError.Invalid("invalid_request", "'input' is required: a string or an array of input items.", "input"));
        }

        if (Input.RequestValueRanges.CheckResponses(responses.Extra) is { } outOfRange)
        {
            return (null, outOfRange);
        }

        return (new CanonicalExchange
        {
            Request = request, Model = responses.Model, Stream = responses.Stream == true, Responses = responses,
            Segments = ChatTextSegments.FromResponsesRequest(responses), Modified = modified,
        }, null);
    }

    /// <summary>An Azure deployments path names the model; the body's model (Azure ignores it) is replaced so every target gets the routed one.</summary>
    private static bool SetModel(string? pathModel, string? bodyModel, Action<string> set)
    {
        if (pathModel is null || pathModel == bodyModel)
        {
            return false;
        }

        set(pathModel);
        return true;
    }

    private static GatewayError InvalidModel(TargetRouter router) => GatewayError.Invalid("invalid_model",
        "'model' is required and must be a string naming one of the configured models: " + string.Join(", ", router.Models) + ".", "model");

    /// <summary>One forward pass of the reader: valid UTF-8, well-formed, at most 64 deep, one top-level object.</summary>
    private static string? CheckSyntax(ReadOnlySpan<byte> body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return "it is not valid UTF-8";
        }

        var reader = new Utf8JsonReader(body, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "the body must be a JSON object";
            }

            reader.Skip();
            return reader.Read() ? "there is more after the JSON object" : null;
        }
        catch (JsonException ex)
        {
            return Input.StrictJsonReader.Describe(ex);
        }
    }
}
