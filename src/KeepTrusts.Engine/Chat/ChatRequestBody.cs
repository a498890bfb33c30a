using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepTrusts.Engine.Chat;

/// <summary>Builds the OpenAI chat-completions body for Invoke-KtChat: history, system message, tools, response format.</summary>
public static class ChatRequestBody
{
    public static byte[] Build(ChatInvocationRequest request, string model)
    {
        var messages = new JsonArray();
        if (!string.IsNullOrEmpty(request.SystemMessage))
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = request.SystemMessage });
        }

        foreach (var message in request.History)
        {
            if (message.Role == "system" && !string.IsNullOrEmpty(request.SystemMessage))
            {
                continue;
            }

            messages.Add(ToJson(message));
        }

        foreach (var text in request.Messages)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = text });
        }

        var body = new JsonObject { ["model"] = model, ["messages"] = messages };
        if (request.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }

        if (request.MaxTokens is { } maxTokens)
        {
            body["max_tokens"] = maxTokens;
        }

        if (request.ToolsJson is { } tools)
        {
            body["tools"] = ParseTools(tools);
        }

        if (ResponseFormat(request) is { } format)
        {
            body["response_format"] = format;
        }

        if (request.Stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        return JsonSerializer.SerializeToUtf8Bytes(body);
    }

    private static JsonObject ToJson(ChatMessage message)
    {
        var json = new JsonObject { ["role"] = message.Role, ["content"] = message.Content };
        if (message.ToolCalls.Count > 0)
        {
            json["tool_calls"] = new JsonArray(message.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        }

        if (message.ToolCallId is { } id)
        {
            json["tool_call_id"] = id;
        }

        return json;
    }

    /// <summary>Accepts OpenAI's {"type":"function","function":{...}} or the bare function {"name",...}; each needs a name.</summary>
    private static JsonArray ParseTools(string toolsJson)
    {
        var parsed = JsonNode.Parse(toolsJson);
        var items = parsed as JsonArray ?? new JsonArray(parsed?.DeepClone());
        var tools = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] as JsonObject ?? throw new ChatRequestInvalidException(string.Create(CultureInfo.InvariantCulture, $"-Tools item {i + 1} is not an object; give each tool as @{{ name = '...'; description = '...'; parameters = @{{ ... }} }}."));
            var function = item["function"] as JsonObject ?? item;
            if (function["name"]?.GetValueKind() != JsonValueKind.String)
            {
                throw new ChatRequestInvalidException(string.Create(CultureInfo.InvariantCulture, $"-Tools item {i + 1} has no 'name'; every function definition needs one."));
            }

            tools.Add(new JsonObject { ["type"] = "function", ["function"] = function.DeepClone() });
        }

        return tools;
    }

    private static JsonObject? ResponseFormat(ChatInvocationRequest request)
    {
        var type = request.ResponseFormat ?? (request.JsonSchemaJson is null ? null : "json_schema");
        switch (type)
        {
            case null:
                return null;
            case "text" or "json_object":
                return new JsonObject { ["type"] = type };
            case "json_schema":
                if (request.JsonSchemaJson is null)
                {
                    throw new ChatRequestInvalidException("-ResponseFormat json_schema needs -JsonSchema (the schema the answer must follow).");
                }

                var schema = JsonNode.Parse(request.JsonSchemaJson) as JsonObject
                    ?? throw new ChatRequestInvalidException("-JsonSchema is not a JSON object.");
                // A bare JSON schema is wrapped; one that already has name + schema is OpenAI's json_schema object.
                var wrapped = schema["schema"] is JsonObject && schema["name"] is not null
                    ? schema
                    : new JsonObject { ["name"] = "response", ["schema"] = schema, ["strict"] = true };
                return new JsonObject { ["type"] = "json_schema", ["json_schema"] = wrapped };
            default:
                throw new ChatRequestInvalidException($"-ResponseFormat '{type}' is not text, json_object or json_schema.");
        }
    }
}
