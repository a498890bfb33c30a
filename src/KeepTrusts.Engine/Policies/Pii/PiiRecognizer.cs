using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.Pii;

/// <summary>
/// One entity type: a cheap trigger that must occur before the pattern is run at all, a linear-time pattern, and an
/// optional validator (checksum, ranges, context) that turns candidates into matches.
/// </summary>
internal sealed class PiiRecognizer(string entity, string kind, PiiTrigger trigger, Regex pattern, Func<string, Match, bool>? validate = null)
{
    /// <summary>The config name (pii-detector.entities).</summary>
    public string Entity { get; } = entity;

    /// <summary>The placeholder kind: [REDACTED:KIND].</summary>
    public string Kind { get; } = kind;

    /// <param name="lowered">The same text in lower case, for cheap ordinal trigger checks.</param>
    /// <param name="matches">Created on the first match: text with none allocates nothing here.</param>
    public void Find(string text, ReadOnlySpan<char> lowered, ref List<PiiMatch>? matches)
    {
        if (!trigger(text, lowered))
        {
            return;
        }

        for (var match = pattern.Match(text); match.Success; match = match.NextMatch())
        {
            if (validate is null || validate(text, match))
            {
                (matches ??= []).Add(new PiiMatch(match.Index, match.Length, Kind));
            }
        }
    }
}
