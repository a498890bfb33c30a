using System.Text;
using System.Text.RegularExpressions;
using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Engine.Policies.Safety;

namespace KeepTrusts.Engine.Tests.Policies;

/// <summary>
/// The injection and safety patterns run on the backtracking engine (the non-backtracking one keeps 1–2 MB per pattern
/// alive), so each must stay linear in its input. Every pattern is run on 128 KB inputs built to pump the constructs
/// that go quadratic or worse — runs of one character under a leading loop, long whitespace between two adjacent
/// optional loops, and the pattern's own words repeated as near-matches. A linear pattern scans such an input in about
/// a millisecond; a quadratic one needs billions of steps (minutes). The five-second match timeout sits between the two
/// with room for a loaded CI machine (a one-second limit failed there on linear patterns), and turns a quadratic
/// pattern into a failure that names the pattern and the input rather than a hung test run.
/// </summary>
public sealed class PatternLinearityTests
{
    private const int Size = 128 * 1024;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    public static TheoryData<string, string> Patterns()
    {
        var data = new TheoryData<string, string>();
        for (var i = 0; i < InjectionSignals.All.Count; i++)
        {
            data.Add($"injection #{i} ({InjectionSignals.All[i].Family})", InjectionSignals.All[i].Pattern.ToString());
        }

        data.Add("injection discussion", InjectionSignals.Discussion.ToString());
        for (var i = 0; i < SafetyLexicon.Rules.Count; i++)
        {
            data.Add($"safety #{i} ({SafetyLexicon.Rules[i].Category}:{SafetyLexicon.Rules[i].Severity})", SafetyLexicon.Rules[i].Pattern.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Pattern_is_linear_on_pumped_input(string name, string pattern)
    {
        var probe = new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, Limit);
        foreach (var (label, input) in PumpedInputs(pattern))
        {
            try
            {
                probe.Match(input);
                probe.Match(input.ToUpperInvariant());
            }
            catch (RegexMatchTimeoutException)
            {
                Assert.Fail($"{name} did not finish within {Limit.TotalSeconds} s on {label}: the pattern backtracks super-linearly.");
            }
        }
    }

    [Fact]
    public void The_probe_catches_a_quadratic_pattern()
    {
        // The check above is only worth something if it fails on the shapes it is meant to catch.
        var quadratic = @"(^|\n)\s*(system)\s*(prompt)?\s*:";

        Assert.Throws<RegexMatchTimeoutException>(() =>
        {
            var probe = new Regex(quadratic, RegexOptions.IgnoreCase, Limit);
            foreach (var (_, input) in PumpedInputs(quadratic))
            {
                probe.Match(input);
            }
        });
    }

    [Fact]
    public void A_pattern_that_runs_out_of_time_counts_as_a_hit()
    {
        // Fail closed: text that makes a detector's scan blow up is not passed on as clean.
        var quadratic = new Regex(@"(a|aa)+$", RegexOptions.None, TimeSpan.FromMilliseconds(10));
        var hostile = new string('a', 64) + "!";

        Assert.True(PolicyPatterns.Find(quadratic, hostile).Success);
        Assert.True(PolicyPatterns.Find(quadratic, hostile.AsSpan()).Success);
        Assert.False(PolicyPatterns.Find(quadratic, "bbb").Success);
    }

    [Fact]
    public void Detector_patterns_do_not_use_the_non_backtracking_engine()
    {
        // Kept out on purpose: see the class comment. The PII recognizers keep it where their shape needs it.
        Assert.All(InjectionSignals.All, s => Assert.False(s.Pattern.Options.HasFlag(RegexOptions.NonBacktracking), s.Pattern.ToString()));
        Assert.All(SafetyLexicon.Rules, r => Assert.False(r.Pattern.Options.HasFlag(RegexOptions.NonBacktracking), r.Pattern.ToString()));
        Assert.All(InjectionSignals.All, s => Assert.NotEqual(Regex.InfiniteMatchTimeout, s.Pattern.MatchTimeout));
        Assert.All(SafetyLexicon.Rules, r => Assert.NotEqual(Regex.InfiniteMatchTimeout, r.Pattern.MatchTimeout));
    }

    private static IEnumerable<(string Label, string Input)> PumpedInputs(string pattern)
    {
        foreach (var c in " \n\t#-a1.[<\"'=!`/?:+_")
        {
            yield return ($"{Size} × '{Escape(c.ToString())}'", new string(c, Size));
        }

        var words = Regex.Matches(pattern, @"[\p{L}']{2,}").Select(m => m.Value).Distinct().ToArray();
        foreach (var word in words)
        {
            yield return ($"'{word}' then a long run of spaces", Repeat(word + new string(' ', 4000)));
            yield return ($"newline, '{word}', a long run of spaces", Repeat("\n" + word + new string(' ', 4000)));
            yield return ($"'{word}' then a long run of newlines", Repeat(word + new string('\n', 4000)));
        }

        yield return ("the pattern's words, one space apart", Repeat(string.Join(' ', words) + " "));
        yield return ("the pattern's words, long whitespace apart", Repeat(string.Join("  \n  \t  ", words) + " "));
        yield return ("the pattern's words, no separator", Repeat(string.Concat(words)));
        yield return ("assignments followed by whitespace", Repeat("a = \"b\"" + new string(' ', 4000)));
        yield return ("an image link full of query marks", Repeat("![a](http://x" + new string('?', 4000)));
        yield return ("dotted host names with no slash", Repeat("send it to " + string.Concat(Enumerable.Repeat("a.", 2000)) + " "));
    }

    private static string Repeat(string unit)
    {
        var text = new StringBuilder(Size + unit.Length);
        while (text.Length < Size)
        {
            text.Append(unit);
        }

        return text.ToString(0, Size);
    }

    private static string Escape(string text) => text.Replace("\n", "\\n").Replace("\t", "\\t");
}
