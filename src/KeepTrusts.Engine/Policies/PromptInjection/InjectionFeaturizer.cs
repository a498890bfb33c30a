namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Hashed n-gram features of lower-cased, normalized text: words and word pairs (letters and digits; digits read as 0)
/// and character 3-, 4- and 5-grams (whitespace runs read as one space). Each n-gram is hashed as it is read (FNV-1a
/// then a 32-bit finalizer) into a table of 2^bits slots: no string is made per n-gram, and the cost is a few
/// operations per character. Character n-grams carry scripts without spaces (zh, ja) and spelling variants; word
/// n-grams carry phrasing. The trainer (tools/KeepTrusts.Train) uses this same code, so features match by construction.
/// </summary>
internal static class InjectionFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSalt = 0x9E3779B9;
    private const uint PairSalt = 0x85EBCA6B;
    private const uint CharSalt = 0xC2B2AE35;

    public const int MinCharGram = 3;
    public const int MaxCharGram = 5;

    public static void Featurize<TSink>(ReadOnlySpan<char> lowered, int bits, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        var shift = 32 - bits;

        // The last MaxCharGram characters as read (after folding), newest at ring[count % 5].
        Span<char> ring = stackalloc char[MaxCharGram];
        var read = 0;
        var previousSpace = true;

        var wordHash = FnvOffset;
        var wordLength = 0;
        var previousWord = 0u;
        var havePreviousWord = false;

        for (var i = 0; i < lowered.Length; i++)
        {
            var c = lowered[i];
            var letterOrDigit = char.IsLetterOrDigit(c);
            if (letterOrDigit && char.IsDigit(c))
            {
                c = '0';
            }

            if (letterOrDigit)
            {
                wordHash = (wordHash ^ c) * FnvPrime;
                wordLength++;
            }
            else if (wordLength > 0)
            {
                EndWord(i - 1, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, shift, ref sink);
            }

            // Character n-grams: whitespace runs fold to one space.
            if (char.IsWhiteSpace(c))
            {
                if (previousSpace)
                {
                    continue;
                }

                c = ' ';
                previousSpace = true;
            }
            else
            {
                previousSpace = false;
            }

            ring[read % MaxCharGram] = c;
            read++;
            if (read < MinCharGram)
            {
                continue;
            }

            // Hash backwards from the newest character: lengths 3, 4 and 5 share the work.
            var hash = FnvOffset ^ CharSalt;
            var available = Math.Min(read, MaxCharGram);
            for (var k = 0; k < available; k++)
            {
                hash = (hash ^ ring[(read - 1 - k) % MaxCharGram]) * FnvPrime;
                if (k + 1 >= MinCharGram)
                {
                    sink.Add(i, Slot(hash + (uint)k, shift));
                }
            }
        }

        if (wordLength > 0)
        {
            EndWord(lowered.Length - 1, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, shift, ref sink);
        }
    }

    private static void EndWord<TSink>(int position, ref uint wordHash, ref int wordLength, ref uint previousWord, ref bool havePreviousWord, int shift, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        sink.Add(position, Slot(wordHash ^ WordSalt, shift));
        if (havePreviousWord)
        {
            sink.Add(position, Slot((previousWord * FnvPrime) ^ wordHash ^ PairSalt, shift));
        }

        previousWord = wordHash;
        havePreviousWord = true;
        wordHash = FnvOffset;
        wordLength = 0;
    }

    /// <summary>murmur3's finalizer spreads FNV's low-entropy high bits, then the top bits pick the slot.</summary>
    private static int Slot(uint hash, int shift)
    {
        hash ^= hash >> 16;
        hash *= 0x85EBCA6B;
        hash ^= hash >> 13;
        hash *= 0xC2B2AE35;
        hash ^= hash >> 16;
        return (int)(hash >> shift);
    }

    /// <summary>
    /// The windows a text of <paramref name="length"/> characters is scored in: one window when it fits, else windows
    /// of <paramref name="window"/> characters every <paramref name="stride"/>, the last one ending at the text's end.
    /// </summary>
    public static int WindowCount(int length, int window, int stride) =>
        length <= window ? 1 : 1 + (length - window + stride - 1) / stride;

    public static (int Start, int End) Window(int index, int length, int window, int stride)
    {
        if (length <= window)
        {
            return (0, length);
        }

        var start = Math.Min(index * stride, length - window);
        return (start, start + window);
    }
}
