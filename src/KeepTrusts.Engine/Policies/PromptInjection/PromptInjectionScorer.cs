namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Scores text for prompt injection. Each signal found contributes its weight w; signals combine as independent
/// evidence, score = 1 - Π(1 - w). Disguises (zero-width characters, homoglyphs, full-width forms, base64 or
/// hex payloads) add their own evidence on top of what the decoded text shows. Text that quotes or asks about an attack
/// phrase, rather than using it, has its weights halved. See docs/policies.md.
/// </summary>
public static class PromptInjectionScorer
{
    private const double ObfuscationWeight = 0.4;
    private const double EncodedPayloadWeight = 0.5;

    // Each signal's key in the weights (its family and index), made once: a string per signal per scored text was the
    // largest allocation of the request policies.
    private static readonly string[] Keys = InjectionSignals.All.Select((signal, i) => string.Create(CultureInfo.InvariantCulture, $"{signal.Family}#{i}")).ToArray();

    private static readonly InjectionScore Nothing = new(0, [], []);

    public static InjectionScore Score(string text, string source = "text", bool toolResult = false)
    {
        if (text.Length == 0)
        {
            return Nothing;
        }

        using var normalized = NormalizedText.Of(text);
        return Score(normalized, text, source, toolResult);
    }

    /// <summary>Scores text already normalized (the layered detector normalizes once for both layers).</summary>
    internal static InjectionScore Score(in NormalizedText input, string text, string source, bool toolResult)
    {
        if (text.Length == 0)
        {
            return Nothing;
        }

        var (normalized, obfuscated, decoded, loweredDecoded) = (input.Text, input.Obfuscated, input.Decoded, input.LoweredDecoded);
        // Prepared once for the 26 signals' trigger words (the decoded form, rare, is searched directly).
        Span<ulong> pairs = stackalloc ulong[TriggerText.PairWords];
        var lowered = new TriggerText(input.Lowered, pairs);
        // Made at the first hit: most texts match no signal.
        Dictionary<string, double>? weights = null;
        List<string>? families = null;
        List<MatchedSpan>? spans = null;
        var firstHit = int.MaxValue;
        var quoted = true;
        for (var i = 0; i < InjectionSignals.All.Count; i++)
        {
            var signal = InjectionSignals.All[i];
            var key = Keys[i];
            var match = signal.MayMatch(lowered) ? PolicyPatterns.Find(signal.Pattern, normalized) : default;
            if (match.Success)
            {
                weights ??= new Dictionary<string, double>(StringComparer.Ordinal);
                families ??= [];
                Add(weights, key, signal.Weight);
                AddFamily(families, signal.Family);
                (spans ??= []).Add(new MatchedSpan(source, Math.Min(match.Index, text.Length), Math.Min(match.Length, Math.Max(0, text.Length - match.Index)), signal.Family));
                firstHit = Math.Min(firstHit, match.Index);
                quoted &= IsQuoted(normalized, match.Index, match.Length);
            }

            if (decoded is not null && signal.MayMatch(new TriggerText(loweredDecoded, default)) && PolicyPatterns.Find(signal.Pattern, decoded).Success)
            {
                weights ??= new Dictionary<string, double>(StringComparer.Ordinal);
                families ??= [];
                Add(weights, key, signal.Weight);
                Add(weights, "encoded-payload", EncodedPayloadWeight);
                AddFamily(families, signal.Family);
                AddFamily(families, "encoded-payload");
                quoted = false;
            }
        }

        if (weights is null)
        {
            return Nothing;
        }

        if (obfuscated)
        {
            Add(weights, "obfuscation", ObfuscationWeight);
            AddFamily(families!, "obfuscation");
        }

        // Asking about or quoting an attack phrase is not using it; disguised text never gets this benefit.
        var discussion = !obfuscated && !toolResult && (quoted || IsQuestionAbout(normalized, firstHit));
        var remaining = 1.0;
        foreach (var weight in weights.Values)
        {
            remaining *= 1 - (discussion ? weight / 2 : weight);
        }

        return new InjectionScore(Math.Round(1 - remaining, 3), families!, (IReadOnlyList<MatchedSpan>?)spans ?? []);
    }

    private static void Add(Dictionary<string, double> weights, string family, double weight)
    {
        if (!weights.TryGetValue(family, out var current) || weight > current)
        {
            weights[family] = weight;
        }
    }

    private static void AddFamily(List<string> families, string family)
    {
        if (!families.Contains(family))
        {
            families.Add(family);
        }
    }

    /// <summary>Whether the match sits inside quotes: an odd number of quote marks before it and one soon after.</summary>
    private static bool IsQuoted(string text, int index, int length)
    {
        ReadOnlySpan<char> quotes = ['"', '\'', '“', '”', '«', '»', '`'];
        var before = 0;
        foreach (var c in text.AsSpan(0, index))
        {
            if (quotes.Contains(c))
            {
                before++;
            }
        }

        var end = index + length;
        var after = text.AsSpan(end, Math.Min(80, text.Length - end));
        var inside = text.AsSpan(index, length);
        return before % 2 == 1 && (after.IndexOfAny(quotes) >= 0 || inside.IndexOfAny(quotes) >= 0);
    }

    /// <summary>A question about the topic, or a request to write about it, that comes before the first hit.</summary>
    private static bool IsQuestionAbout(string text, int firstHit)
    {
        var match = PolicyPatterns.Find(InjectionSignals.Discussion, text);
        if (!match.Success || match.Length == 0 || match.Index >= firstHit)
        {
            return false;
        }

        return text.Contains('?') || text.AsSpan(match.Index, match.Length).Contains("about", StringComparison.OrdinalIgnoreCase);
    }
}
