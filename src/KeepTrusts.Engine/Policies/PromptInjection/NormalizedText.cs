namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>A text as both detector layers read it: normalized (<see cref="TextNormalizer"/>), lower-cased, and any decoded payload.</summary>
internal readonly record struct NormalizedText(string Text, bool Obfuscated, string? Decoded, string Lowered, string? LoweredDecoded)
{
    public static NormalizedText Of(string text)
    {
        var (normalized, obfuscated, decoded) = TextNormalizer.Normalize(text);
        return new NormalizedText(normalized, obfuscated, decoded, normalized.ToLowerInvariant(), decoded?.ToLowerInvariant());
    }
}
