using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies;

/// <summary>
/// How the injection and safety detectors run their patterns. They use the compiled backtracking engine: the
/// non-backtracking one keeps 1–2 MB of automaton per pattern alive (about 80 MB for the lexicons), and these patterns
/// are literal phrases with bounded gaps, written so no two loops compete for the same characters — PatternLinearityTests
/// pumps every one of them with 128 KB inputs to keep it that way. The match timeout is the backstop if one ever slips.
/// </summary>
internal static class PolicyPatterns
{
    /// <summary>A linear pattern scans a 1 MB request in milliseconds; two seconds means something went quadratic.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The first match of <paramref name="pattern"/>, or — when the pattern runs out of time — a hit with an empty span:
    /// text that makes a detector's scan blow up is itself hostile, and passing it on unscanned is what its author wants.
    /// </summary>
    public static (bool Success, int Index, int Length) Find(Regex pattern, string text) => Find(pattern, text.AsSpan());

    /// <summary>The span form of <see cref="Find(Regex, string)"/>: no string is made of the text, nor a Match.</summary>
    public static (bool Success, int Index, int Length) Find(Regex pattern, ReadOnlySpan<char> text)
    {
        try
        {
            foreach (var match in pattern.EnumerateMatches(text))
            {
                return (true, match.Index, match.Length);
            }

            return default;
        }
        catch (RegexMatchTimeoutException)
        {
            return (true, 0, 0);
        }
    }

    /// <summary>
    /// Whether the lower-cased text contains one of the lower-case <paramref name="words"/>: the cheap trigger check every
    /// detector runs before its patterns (ordinal, so vectorized).
    /// </summary>
    public static bool ContainsAny(ReadOnlySpan<char> lowered, string[] words) => new TriggerText(lowered, default).ContainsAny(words);
}
