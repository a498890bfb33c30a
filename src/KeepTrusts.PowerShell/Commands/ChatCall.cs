namespace KeepTrusts.PowerShell.Commands;

/// <summary>Invoke-KtChat's parameters, as plain data for the engine call.</summary>
internal sealed record ChatCall(
    IReadOnlyList<string> Messages, string? SystemMessage, string? Model, string? Target, bool Stream, double? Temperature, int? MaxTokens)
{
    /// <summary>The conversation so far, with any tool outputs appended.</summary>
    public IReadOnlyList<KtChatMessage> History { get; init; } = [];

    public string? ToolsJson { get; init; }

    public string? ResponseFormat { get; init; }

    public string? JsonSchemaJson { get; init; }
}
