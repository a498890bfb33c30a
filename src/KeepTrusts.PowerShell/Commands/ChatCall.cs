namespace KeepTrusts.PowerShell.Commands;

/// <summary>Invoke-KtChat's parameters, as plain data for the engine call.</summary>
internal sealed record ChatCall(
    IReadOnlyList<string> Messages, string? SystemMessage, string? Model, string? Target, bool Stream, double? Temperature, int? MaxTokens);
