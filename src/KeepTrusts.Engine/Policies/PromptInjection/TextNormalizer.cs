using System.Text;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Undoes the disguises attackers use so the signal patterns see plain words: zero-width and soft-hyphen characters
/// removed, compatibility forms folded (NFKC: full-width, ligatures), Unicode tag characters read as the ASCII they
/// hide, Cyrillic and Greek look-alikes mapped to Latin, and base64 / hex runs decoded and appended.
/// </summary>
internal static class TextNormalizer
{
    private static readonly Dictionary<char, char> Homoglyphs = new()
    {
        ['а'] = 'a', ['е'] = 'e', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['у'] = 'y', ['х'] = 'x', ['і'] = 'i', ['ј'] = 'j', ['ѕ'] = 's', ['һ'] = 'h', ['ԁ'] = 'd', ['ɡ'] = 'g',
        ['А'] = 'A', ['В'] = 'B', ['Е'] = 'E', ['К'] = 'K', ['М'] = 'M', ['Н'] = 'H', ['О'] = 'O', ['Р'] = 'P', ['С'] = 'C', ['Т'] = 'T', ['Х'] = 'X', ['І'] = 'I',
        ['α'] = 'a', ['ο'] = 'o', ['ν'] = 'v', ['ι'] = 'i', ['κ'] = 'k', ['τ'] = 't', ['ρ'] = 'p', ['Α'] = 'A', ['Β'] = 'B', ['Ε'] = 'E', ['Ι'] = 'I', ['Ο'] = 'O', ['Τ'] = 'T',
    };

    private static readonly System.Buffers.SearchValues<char> LeetDigits = System.Buffers.SearchValues.Create("013457");

    /// <summary>The text as the patterns should see it, and whether disguises were found.</summary>
    public static (string Text, bool Obfuscated, string? Decoded) Normalize(string input)
    {
        // Plain ASCII has nothing to fold: no look-alikes, no zero-width characters, no compatibility forms.
        if (System.Text.Ascii.IsValid(input))
        {
            var unspaced = Unspaced(input);
            var unleeted = Unleeted(input);
            return (input, unspaced is not null || unleeted is not null, Join(DecodeRuns(input), unspaced, unleeted));
        }

        var obfuscated = false;
        var builder = new StringBuilder(input.Length);
        var normalized = input.IsNormalized(NormalizationForm.FormKC) ? input : input.Normalize(NormalizationForm.FormKC);
        if (!ReferenceEquals(normalized, input) && normalized != input)
        {
            obfuscated |= input.Any(c => c is >= '\uFF01' and <= '\uFF5E');
        }

        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD' or '\u180E')
            {
                obfuscated = true;
                continue;
            }

            // Unicode tag characters (U+E0020..U+E007E, "ASCII smuggling") are invisible to a reader but read as
            // ASCII by a model: read them as that ASCII, in place.
            if (c == '\uDB40' && i + 1 < normalized.Length && normalized[i + 1] is >= '\uDC00' and <= '\uDC7F')
            {
                obfuscated = true;
                var ascii = (char)(normalized[++i] - '\uDC00');
                if (ascii is >= ' ' and <= '~')
                {
                    builder.Append(ascii);
                }

                continue;
            }

            builder.Append(c);
        }

        // Look-alike letters are folded only inside words that mix scripts: a word that is all Cyrillic is Russian,
        // a Latin word with a Cyrillic 'о' in it is a disguise.
        obfuscated |= FoldMixedScriptWords(builder);
        var text = builder.ToString();
        var decoded = Join(DecodeRuns(text), Unspaced(text), Unleeted(text));
        return (text, obfuscated || decoded is not null && (Unspaced(text) is not null || Unleeted(text) is not null), decoded);
    }

    // Three fixed parts, no array or list: this runs on every scored text and the parts are almost always all null.
    private static string? Join(string? decodedRuns, string? unspaced, string? unleeted)
    {
        if (decodedRuns is null && unspaced is null && unleeted is null)
        {
            return null;
        }

        var present = new List<string>(3);
        foreach (var part in (ReadOnlySpan<string?>)[decodedRuns, unspaced, unleeted])
        {
            if (part is not null)
            {
                present.Add(part);
            }
        }

        return string.Join(" ", present);
    }

    /// <summary>"i g n o r e   a l l" written letter by letter, joined back into words; null when the text has no such run.</summary>
    private static string? Unspaced(string text)
    {
        // Six single letters in a row (empty tokens from double spaces between words do not break the run); prose with
        // many a's and I's has them apart, and must not pay for a second scan of the whole text.
        var run = 0;
        var tokenStart = 0;
        for (var i = 0; i <= text.Length && run < 6; i++)
        {
            if (i < text.Length && text[i] != ' ')
            {
                continue;
            }

            var length = i - tokenStart;
            run = length == 0 ? run : length == 1 && char.IsLetter(text[tokenStart]) ? run + 1 : 0;
            tokenStart = i + 1;
        }

        if (run < 6)
        {
            return null;
        }

        // Letters separated by one space are one word; two or more spaces separate words.
        var joined = System.Text.RegularExpressions.Regex.Replace(text, "(?<=\\S) (?=\\S)", string.Empty);
        return System.Text.RegularExpressions.Regex.Replace(joined, " {2,}", " ");
    }

    /// <summary>Leetspeak digits inside words read as letters ("1gn0re a11 prev10us"); null when there are none.</summary>
    private static string? Unleeted(string text)
    {
        // Two different words of four or more characters that mix letters with digits read as letters. Product and
        // model names ("gpt-4o", "ipv6") are short or repeat one word; a leet-spelled instruction has several.
        string? first = null;
        var leetWords = 0;
        var start = 0;
        for (var i = 0; i <= text.Length && leetWords < 2; i++)
        {
            if (i < text.Length && char.IsAsciiLetterOrDigit(text[i]))
            {
                continue;
            }

            var word = text.AsSpan(start, i - start);
            start = i + 1;
            if (word.Length < 4 || word.IndexOfAny(LeetDigits) < 0 || Letters(word) < 2 || first is not null && word.SequenceEqual(first))
            {
                continue;
            }

            first ??= word.ToString();
            leetWords++;
        }

        if (leetWords < 2)
        {
            return null;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch { '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '@' => 'a', '$' => 's', _ => chars[i] };
        }

        // "a11" reads as "aii"; the override pattern also accepts "all" written "a11" through this second variant.
        return new string(chars) + " " + new string(chars).Replace("ii", "ll", StringComparison.Ordinal);
    }

    private static int Letters(ReadOnlySpan<char> word)
    {
        var letters = 0;
        foreach (var c in word)
        {
            letters += char.IsAsciiLetter(c) ? 1 : 0;
        }

        return letters;
    }

    private static bool FoldMixedScriptWords(StringBuilder text)
    {
        var folded = false;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && char.IsLetter(text[i]))
            {
                continue;
            }

            if (i > start)
            {
                var latin = false;
                var other = false;
                for (var j = start; j < i; j++)
                {
                    if (char.IsAsciiLetter(text[j]))
                    {
                        latin = true;
                    }
                    else if (Homoglyphs.ContainsKey(text[j]))
                    {
                        other = true;
                    }
                }

                if (latin && other)
                {
                    for (var j = start; j < i; j++)
                    {
                        if (Homoglyphs.TryGetValue(text[j], out var replacement))
                        {
                            text[j] = replacement;
                        }
                    }

                    folded = true;
                }
            }

            start = i + 1;
        }

        return folded;
    }

    /// <summary>Base64 and hex runs of 16+ characters that decode to readable text, joined; null when none.</summary>
    private static string? DecodeRuns(string text)
    {
        StringBuilder? decoded = null;
        var i = 0;
        while (i < text.Length)
        {
            if (!IsBase64Char(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsBase64Char(text[i]) && i - start < 16_384)
            {
                i++;
            }

            while (i < text.Length && text[i] == '=' && i - start < 16_386)
            {
                i++;
            }

            var run = text.AsSpan(start, i - start);
            if (run.Length < 16)
            {
                continue;
            }

            var plain = TryHex(run) ?? TryBase64(run);
            if (plain is not null)
            {
                (decoded ??= new StringBuilder()).Append(' ').Append(plain);
            }
        }

        return decoded?.ToString();
    }

    private static string? TryHex(ReadOnlySpan<char> run)
    {
        if (run.Length % 2 != 0)
        {
            return null;
        }

        foreach (var c in run)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        try
        {
            return Readable(Convert.FromHexString(run));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? TryBase64(ReadOnlySpan<char> run)
    {
        if (run.Length % 4 != 0)
        {
            return null;
        }

        var bytes = new byte[run.Length * 3 / 4];
        return Convert.TryFromBase64Chars(run, bytes, out var written) ? Readable(bytes.AsSpan(0, written)) : null;
    }

    /// <summary>Decoded bytes count only when they are mostly printable UTF-8 text.</summary>
    private static string? Readable(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8 || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var printable = text.Count(c => !char.IsControl(c) || c is '\n' or '\r' or '\t');
        var letters = text.Count(char.IsLetter);
        return printable >= text.Length * 0.95 && letters >= text.Length * 0.5 ? text : null;
    }

    private static bool IsBase64Char(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/';
}
