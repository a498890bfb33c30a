namespace KeepTrusts.Engine.Chat;

/// <summary>What Invoke-KtChat asks for.</summary>
public sealed class ChatInvocationRequest
{
    /// <summary>The new user messages of this turn.</summary>
    public required IReadOnlyList<string> Messages { get; init; }

    /// <summary>The conversation so far (from a previous result), sent before <see cref="Messages"/>; may end with tool outputs.</summary>
    public IReadOnlyList<ChatMessage> History { get; init; } = [];

    /// <summary>Replaces any system message of <see cref="History"/>.</summary>
    public string? SystemMessage { get; init; }

    /// <summary>Function definitions as a JSON array, in OpenAI's shape ({"type":"function","function":{...}}).</summary>
    public string? ToolsJson { get; init; }

    /// <summary>text, json_object or json_schema; null leaves it to the model.</summary>
    public string? ResponseFormat { get; init; }

    /// <summary>For json_schema: {"name":..,"schema":{..},"strict":..} as JSON.</summary>
    public string? JsonSchemaJson { get; init; }

    /// <summary>The model to route by; null: the first configured model (in-process) or required (gateway URL).</summary>
    public string? Model { get; init; }

    public string? Target { get; init; }

    public bool Stream { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }
}
