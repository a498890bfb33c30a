using System.Buffers;
using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.Safety;

/// <summary>Grades text per category with the lexicon plus the configured blocklist (always high).</summary>
public sealed class SafetyClassifier
{
    private readonly Regex? _blocklist;

    public SafetyClassifier(IReadOnlyCollection<string> blocklist)
    {
        if (blocklist.Count > 0)
        {
            var alternatives = string.Join("|", blocklist.Where(t => t.Length > 0).Select(Regex.Escape));
            // Escaped literals between word boundaries: linear on the backtracking engine, and compiled it is vectorized.
            _blocklist = new Regex($@"\b(?:{alternatives})\b", RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, PolicyPatterns.MatchTimeout);
        }
    }

    public SafetyFinding Classify(string text, string source = "text")
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, text.Length));
        try
        {
            // A whole request or answer text: its trigger checks share one prepared pass (TriggerText).
            Span<ulong> pairs = stackalloc ulong[TriggerText.PairWords];
            return Classify(text, source, buffer, pairs);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Classifies <paramref name="text"/> using <paramref name="lowerBuffer"/> (at least as long as the text) for its
    /// lower-case copy. Text with no finding allocates nothing: streams call this on every chunk.
    /// </summary>
    /// <param name="pairs">Scratch for <see cref="TriggerText"/>; empty (stream chunks) searches each trigger word directly.</param>
    internal SafetyFinding Classify(ReadOnlySpan<char> text, string source, char[] lowerBuffer, Span<ulong> pairs = default)
    {
        var lowered = new TriggerText(lowerBuffer.AsSpan(0, text.ToLowerInvariant(lowerBuffer)), pairs);
        Dictionary<string, SafetySeverity>? categories = null;
        List<MatchedSpan>? spans = null;
        var rules = SafetyLexicon.Rules;
        for (var r = 0; r < rules.Count; r++)   // indexed: a foreach over the interface boxed an enumerator per chunk
        {
            var rule = rules[r];
            if (categories is not null && categories.TryGetValue(rule.Category, out var known) && known >= rule.Severity)
            {
                continue;
            }

            if (!rule.MayMatch(lowered))
            {
                continue;
            }

            var match = PolicyPatterns.Find(rule.Pattern, text);
            if (match.Success)
            {
                (categories ??= new())[rule.Category] = rule.Severity;
                (spans ??= []).Add(new MatchedSpan(source, match.Index, match.Length, $"{rule.Category}:{rule.Severity.ToString().ToLowerInvariant()}"));
            }
        }

        if (_blocklist is not null && PolicyPatterns.Find(_blocklist, text) is { Success: true } blocked)
        {
            (categories ??= new())[SafetyLexicon.Blocklist] = SafetySeverity.High;
            (spans ??= []).Add(new MatchedSpan(source, blocked.Index, blocked.Length, "blocklist:high"));
        }

        return categories is null ? SafetyFinding.None : new SafetyFinding(categories, spans!);
    }
}
