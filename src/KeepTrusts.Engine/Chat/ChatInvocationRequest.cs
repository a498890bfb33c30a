namespace KeepTrusts.Engine.Chat;

/// <summary>What Invoke-KtChat asks for.</summary>
public sealed class ChatInvocationRequest
{
    public required IReadOnlyList<string> Messages { get; init; }

    public string? SystemMessage { get; init; }

    /// <summary>The model to route by; null: the first configured model (in-process) or required (gateway URL).</summary>
    public string? Model { get; init; }

    public string? Target { get; init; }

    public bool Stream { get; init; }

    public double? Temperature { get; init; }

    public int? MaxTokens { get; init; }
}
