namespace KeepTrusts.PowerShell;

/// <summary>Token usage of one chat call.</summary>
public sealed class KtChatUsage
{
    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    public long TotalTokens => PromptTokens + CompletionTokens;

    public override string ToString() => $"{PromptTokens} prompt + {CompletionTokens} completion = {TotalTokens} tokens";
}
