using System.Buffers;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// A text as both detector layers read it: normalized (<see cref="TextNormalizer"/>), lower-cased, and any decoded
/// payload. The lower-cased copy is only read (trigger words, the model's features), so it lives in a pooled buffer
/// returned on <see cref="Dispose"/> instead of a new string per scored text (the request policies' largest allocation).
/// </summary>
internal readonly struct NormalizedText : IDisposable
{
    private readonly char[] _lowered;
    private readonly int _loweredLength;

    private NormalizedText(string text, bool obfuscated, string? decoded, char[] lowered, int loweredLength, string? loweredDecoded)
    {
        Text = text;
        Obfuscated = obfuscated;
        Decoded = decoded;
        _lowered = lowered;
        _loweredLength = loweredLength;
        LoweredDecoded = loweredDecoded;
    }

    public string Text { get; }

    public bool Obfuscated { get; }

    public string? Decoded { get; }

    /// <summary>The normalized text lower-cased (invariant); valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<char> Lowered => _lowered.AsSpan(0, _loweredLength);

    public string? LoweredDecoded { get; }

    public static NormalizedText Of(string text)
    {
        var (normalized, obfuscated, decoded) = TextNormalizer.Normalize(text);
        var lowered = ArrayPool<char>.Shared.Rent(Math.Max(1, normalized.Length));
        var length = normalized.AsSpan().ToLowerInvariant(lowered);
        return new NormalizedText(normalized, obfuscated, decoded, lowered, length, decoded?.ToLowerInvariant());
    }

    public void Dispose()
    {
        if (_lowered is not null)
        {
            ArrayPool<char>.Shared.Return(_lowered);
        }
    }
}
