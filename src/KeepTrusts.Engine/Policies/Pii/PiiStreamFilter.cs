using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>
/// pii-detector on a stream. Each push scans the held tail plus the new text; complete matches are redacted and
/// released, and only the shortest tail that could still grow into a match is held back: the word being written
/// (an email or key may continue), a run of digits and separators that a card, phone or IBAN may continue, a date
/// after a birth-date word, or an open private-key block.
/// </summary>
internal sealed class PiiStreamFilter(PiiScanner scanner, PolicyActionOption action, string policy) : IStreamPolicy
{
    private const int LongestSpacedEntity = 48;
    private const int LongestOpenKeyBlock = 16_384;
    private string _held = string.Empty;
    private readonly List<MatchedSpan> _spans = [];
    private int _released;

    public PolicyDecision Decision { get; private set; } = PolicyDecision.Allowed(policy, PolicyPhase.Stream);

    public string Push(string delta)
    {
        var text = _held.Length == 0 ? delta : _held + delta;
        var matches = scanner.Find(text);
        var hold = HoldStart(text);
        foreach (var match in matches)
        {
            if (match.End > hold)
            {
                // A match touching the open tail may still grow: keep it whole.
                hold = Math.Min(hold, match.Start);
            }
        }

        return Release(text, matches, hold);
    }

    public string Flush()
    {
        var text = _held;
        _held = string.Empty;
        return text.Length == 0 ? text : Release(text, scanner.Find(text), text.Length);
    }

    private string Release(string text, IReadOnlyList<PiiMatch> matches, int hold)
    {
        _held = text[hold..];
        List<PiiMatch>? released = null;
        foreach (var match in matches)
        {
            if (match.End <= hold)
            {
                (released ??= []).Add(match);
            }
        }

        if (released is null)
        {
            _released += hold;
            return hold == text.Length ? text : text[..hold];
        }

        foreach (var match in released)
        {
            _spans.Add(new MatchedSpan("stream", _released + match.Start, match.Length, match.Kind));
        }

        _released += hold;
        var kinds = string.Join(", ", _spans.Select(s => s.Kind).Distinct());
        Decision = action switch
        {
            PolicyActionOption.Block => new PolicyDecision(policy, PolicyPhase.Stream, PolicyAction.Block, $"personal data or secrets in the answer: {kinds}", 1.0, _spans.ToArray()),
            PolicyActionOption.Redact => new PolicyDecision(policy, PolicyPhase.Stream, PolicyAction.Redact, string.Create(CultureInfo.InvariantCulture, $"redacted {_spans.Count} item(s) in the answer: {kinds}"), 1.0, _spans.ToArray()),
            _ => new PolicyDecision(policy, PolicyPhase.Stream, PolicyAction.Allow, string.Create(CultureInfo.InvariantCulture, $"logged {_spans.Count} item(s) in the answer: {kinds}"), 1.0, _spans.ToArray()),
        };
        return action == PolicyActionOption.Redact ? PiiScanner.Redact(text, released, 0, hold) : text[..hold];
    }

    /// <summary>Where the tail that might still become (part of) a match begins; text.Length when nothing is open.</summary>
    internal static int HoldStart(string text)
    {
        var hold = text.Length;

        // An open private-key block is held until its END line (or until it is too long to be anything else).
        var begin = text.LastIndexOf("-----BEGIN", StringComparison.Ordinal);
        if (begin >= 0 && text.IndexOf("-----END", begin, StringComparison.Ordinal) < 0 && text.Length - begin < LongestOpenKeyBlock)
        {
            hold = begin;
        }
        else if (begin < 0 && EndsWithDashes(text, out var dashes))
        {
            hold = dashes;
        }

        // The word being written: an email, key, JWT or URL-like secret may continue in the next chunk.
        var wordStart = text.Length;
        while (wordStart > 0 && !char.IsWhiteSpace(text[wordStart - 1]) && text.Length - wordStart < 8192)
        {
            wordStart--;
        }

        hold = Math.Min(hold, wordStart);

        // Digits with spaces or dashes: a card, phone or IBAN may continue across the whitespace.
        var run = text.Length;
        var digits = 0;
        while (run > 0 && text.Length - run < LongestSpacedEntity && IsSpacedEntityChar(text[run - 1]))
        {
            if (char.IsAsciiDigit(text[run - 1]))
            {
                digits++;
            }

            run--;
        }

        if (digits > 0 && run < hold)
        {
            // Start the run at a token boundary: a word glued to digits ("card 4111") is not part of it.
            while (run < text.Length && char.IsWhiteSpace(text[run]))
            {
                run++;
            }

            hold = Math.Min(hold, run);
        }

        return hold;
    }

    private static bool IsSpacedEntityChar(char c) =>
        char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c) || c is ' ' or '-' or '(' or ')' or '+' or '.' or '/';

    private static bool EndsWithDashes(string text, out int start)
    {
        start = text.Length;
        while (start > 0 && text[start - 1] == '-' && text.Length - start < 10)
        {
            start--;
        }

        return start < text.Length;
    }
}
