namespace KeepTrusts.Engine.Policies;

/// <summary>
/// A lower-cased text prepared for the detectors' trigger-word checks (<see cref="PolicyPatterns.ContainsAny"/>):
/// one pass records which pairs of neighbouring characters occur (hashed into <see cref="PairWords"/> × 64 bits), so
/// a trigger word with a pair the text lacks is ruled out without a scan. The answer is the same as searching for
/// every word; only the words whose pairs all occur are searched. About 180 trigger words were searched across the
/// whole of every request text (the heuristics' and the safety lexicon's), a tenth of the full chain's request
/// policies' CPU in the round-6 profile (bench/README.md).
/// </summary>
internal readonly ref struct TriggerText
{
    /// <summary>The pair set's size in 64-bit words (4,096 bits, 512 bytes on the caller's stack).</summary>
    public const int PairWords = 64;

    /// <summary>Shorter texts are searched directly: a few words' scans of them cost less than the pass.</summary>
    public const int MinLength = 128;

    private readonly ReadOnlySpan<char> _lowered;
    private readonly Span<ulong> _pairs;

    /// <param name="lowered">The text in lower case (invariant), as the trigger words are.</param>
    /// <param name="pairs"><see cref="PairWords"/> words of scratch space (e.g. stackalloc); empty to search directly.</param>
    public TriggerText(ReadOnlySpan<char> lowered, Span<ulong> pairs)
    {
        _lowered = lowered;
        if (lowered.Length < MinLength || pairs.Length < PairWords)
        {
            _pairs = default;
            return;
        }

        _pairs = pairs[..PairWords];
        _pairs.Clear();
        for (var i = 1; i < lowered.Length; i++)
        {
            var bit = Pair(lowered[i - 1], lowered[i]);
            _pairs[bit >> 6] |= 1UL << bit;
        }
    }

    public ReadOnlySpan<char> Lowered => _lowered;

    /// <summary>Whether the text contains one of the lower-case <paramref name="words"/> (ordinal).</summary>
    public bool ContainsAny(string[] words)
    {
        foreach (var word in words)
        {
            if (MayContain(word) && _lowered.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool MayContain(string word)
    {
        if (_pairs.IsEmpty)
        {
            return true;
        }

        for (var i = 1; i < word.Length; i++)
        {
            var bit = Pair(word[i - 1], word[i]);
            if ((_pairs[bit >> 6] & (1UL << bit)) == 0)
            {
                return false;
            }
        }

        return true;
    }

    // 12 bits of a multiplicative hash of the pair (the shift of 1UL << bit uses its low 6 bits).
    private static int Pair(char first, char second) => (int)((((uint)first * 0x9E3779B1u) ^ ((uint)second * 0x85EBCA6Bu)) >> 20);
}
