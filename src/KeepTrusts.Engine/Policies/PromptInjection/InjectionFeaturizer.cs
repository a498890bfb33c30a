namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Hashed n-gram features of lower-cased, normalized text: words and word pairs (letters and digits; digits read as 0;
/// in Han, kana and Hangul every character is a word)
/// and character 3-, 4- and 5-grams (whitespace runs read as one space). Each n-gram is hashed as it is read (FNV-1a
/// then a 32-bit finalizer) into a table of 2^bits slots: no string is made per n-gram, and the cost is a few
/// operations per character. Character n-grams carry scripts without spaces (zh, ja) and spelling variants; word
/// n-grams carry phrasing. Token shapes (each whitespace-delimited token with letters read as "a", digits as "0" and
/// punctuation kept, runs collapsed: "oppositeley.](" is "a.](") and pairs of neighbouring shapes carry form without
/// vocabulary, the same in every language: optimized "token soup" suffixes, markup and delimiters; plain words emit
/// none, so ordinary prose adds no shape features. The trainer (tools/KeepTrusts.Train) uses this same code, so features match by construction.
/// </summary>
internal static class InjectionFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;
    private const uint WordSalt = 0x9E3779B9;
    private const uint PairSalt = 0x85EBCA6B;
    private const uint CharSalt = 0xC2B2AE35;
    private const uint InitialSalt = 0xD3A2646C;
    private const uint ShapeSalt = 0x27D4EB2F;
    private const uint ShapePairSalt = 0x165667B1;

    /// <summary>A token's shape keeps at most this many classes: longer ones share their first eight.</summary>
    private const int MaxShapeLength = 8;

    public const int MinCharGram = 3;

    public static void Featurize<TSink>(ReadOnlySpan<char> lowered, int bits, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        var shift = 32 - bits;

        // The last four characters read (after folding), newest first: a shift register, so no ring indexing.
        char c1 = '\0', c2 = '\0', c3 = '\0', c4 = '\0';
        var read = 0;
        var previousSpace = true;

        var wordHash = FnvOffset;
        var wordLength = 0;
        var previousWord = 0u;
        var havePreviousWord = false;
        var sentenceStart = true;

        var shape = new ShapeState();

        for (var i = 0; i < lowered.Length; i++)
        {
            var c = lowered[i];
            var kind = c < 128 ? AsciiKinds[c] : NonAsciiKind(c);
            if (kind == Digit)
            {
                c = '0';
            }

            if (kind == Ideograph)
            {
                // Scripts written without spaces: each character is a word, so word pairs are character bigrams.
                if (wordLength > 0)
                {
                    EndWord(i - 1, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, ref sentenceStart, shift, ref sink);
                }

                wordHash = (FnvOffset ^ c) * FnvPrime;
                wordLength = 1;
                EndWord(i, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, ref sentenceStart, shift, ref sink);
            }
            else if (kind is Letter or Digit)
            {
                wordHash = (wordHash ^ c) * FnvPrime;
                wordLength++;
            }
            else
            {
                if (wordLength > 0)
                {
                    EndWord(i - 1, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, ref sentenceStart, shift, ref sink);
                }

                sentenceStart |= c is '.' or '!' or '?' or '\n' or ':' or ';' or '。' or '！' or '？' or '：';
            }

            // Character n-grams: whitespace runs fold to one space.
            if (kind == Space)
            {
                if (shape.Length > 0)
                {
                    EndShape(i - 1, ref shape, shift, ref sink);
                }

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
                var shapeClass = kind is Letter or Ideograph ? 'a' : c;
                if (shapeClass != shape.Last && shape.Length < MaxShapeLength)
                {
                    shape.Hash = (shape.Hash ^ shapeClass) * FnvPrime;
                    shape.Length++;
                    shape.Plain &= shapeClass == 'a';
                    shape.Last = shapeClass;
                }
            }

            read++;
            if (read >= MinCharGram)
            {
                // Hashed backwards from the newest character: lengths 3, 4 and 5 share the work.
                var hash = (((((FnvOffset ^ CharSalt) ^ c) * FnvPrime) ^ c1) * FnvPrime ^ c2) * FnvPrime;
                sink.Add(i, Slot(hash + 2, shift));
                if (read >= 4)
                {
                    hash = (hash ^ c3) * FnvPrime;
                    sink.Add(i, Slot(hash + 3, shift));
                    if (read >= 5)
                    {
                        hash = (hash ^ c4) * FnvPrime;
                        sink.Add(i, Slot(hash + 4, shift));
                    }
                }
            }

            (c4, c3, c2, c1) = (c3, c2, c1, c);
        }

        if (wordLength > 0)
        {
            EndWord(lowered.Length - 1, ref wordHash, ref wordLength, ref previousWord, ref havePreviousWord, ref sentenceStart, shift, ref sink);
        }

        if (shape.Length > 0)
        {
            EndShape(lowered.Length - 1, ref shape, shift, ref sink);
        }
    }

    private struct ShapeState()
    {
        public uint Hash = FnvOffset;
        public int Length;
        public bool Plain = true;
        public char Last;
        public uint Previous;
        public bool PreviousPlain = true;
        public bool HavePrevious;
    }

    private static void EndShape<TSink>(int position, ref ShapeState shape, int shift, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        if (!shape.Plain)
        {
            sink.Add(position, Slot(shape.Hash ^ ShapeSalt, shift));
        }

        if (shape.HavePrevious && !(shape.Plain && shape.PreviousPlain))
        {
            sink.Add(position, Slot((shape.Previous * FnvPrime) ^ shape.Hash ^ ShapePairSalt, shift));
        }

        shape.Previous = shape.Hash;
        shape.PreviousPlain = shape.Plain;
        shape.HavePrevious = true;
        shape.Hash = FnvOffset;
        shape.Length = 0;
        shape.Plain = true;
        shape.Last = '\0';
    }

    private const byte Other = 0;
    private const byte Letter = 1;
    private const byte Digit = 2;
    private const byte Space = 3;
    private const byte Ideograph = 4;

    private static readonly byte[] AsciiKinds = CreateAsciiKinds();

    private static byte[] CreateAsciiKinds()
    {
        var kinds = new byte[128];
        for (var c = 0; c < 128; c++)
        {
            kinds[c] = char.IsAsciiDigit((char)c) ? Digit : char.IsAsciiLetter((char)c) ? Letter : char.IsWhiteSpace((char)c) ? Space : Other;
        }

        return kinds;
    }

    private static byte NonAsciiKind(char c) =>
        char.IsLetterOrDigit(c) ? IsIdeographic(c) ? Ideograph : char.IsDigit(c) ? Digit : Letter : char.IsWhiteSpace(c) ? Space : Other;

    private static void EndWord<TSink>(int position, ref uint wordHash, ref int wordLength, ref uint previousWord, ref bool havePreviousWord, ref bool sentenceStart, int shift, ref TSink sink)
        where TSink : struct, IFeatureSink
    {
        sink.Add(position, Slot(wordHash ^ WordSalt, shift));
        if (sentenceStart)
        {
            // The first word of a sentence or line: where imperatives ("ignore", "instead", "print") start.
            sink.Add(position, Slot(wordHash ^ InitialSalt, shift));
            sentenceStart = false;
        }

        if (havePreviousWord)
        {
            sink.Add(position, Slot((previousWord * FnvPrime) ^ wordHash ^ PairSalt, shift));
        }

        previousWord = wordHash;
        havePreviousWord = true;
        wordHash = FnvOffset;
        wordLength = 0;
    }

    /// <summary>Han, kana and Hangul: text in these scripts has no spaces between words.</summary>
    private static bool IsIdeographic(char c) => c is >= '\u3040' and <= '\u30FF' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uAC00' and <= '\uD7AF';

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
    /// The windows a text of <paramref name="length"/> characters is scored in: the text is cut in blocks of
    /// <paramref name="stride"/> characters and a window is two neighbouring blocks (<paramref name="window"/> = 2 ×
    /// stride), so windows overlap by half and the last one ends at the text's end. A text of two blocks or less is
    /// one window.
    /// </summary>
    public static int WindowCount(int length, int window, int stride)
    {
        var blocks = Blocks(length, stride);
        return blocks <= window / stride ? 1 : blocks - window / stride + 1;
    }

    public static (int Start, int End) Window(int index, int length, int window, int stride) =>
        WindowCount(length, window, stride) == 1 ? (0, length) : (index * stride, Math.Min(length, index * stride + window));

    public static int Blocks(int length, int stride) => Math.Max(1, (length + stride - 1) / stride);
}
