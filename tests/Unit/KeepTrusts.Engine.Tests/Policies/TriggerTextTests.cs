using KeepTrusts.Engine.Policies;
using KeepTrusts.Engine.Policies.PromptInjection;
using KeepTrusts.Engine.Policies.Safety;

namespace KeepTrusts.Engine.Tests.Policies;

/// <summary>
/// The prepared trigger check must answer exactly as searching the text for every trigger word: it only skips the
/// words whose character pairs the text lacks.
/// </summary>
public sealed class TriggerTextTests
{
    private static readonly string[] Words = InjectionSignals.All.SelectMany(s => s.Triggers)
        .Concat(SafetyLexicon.Rules.SelectMany(r => r.Triggers)).Distinct(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_trigger_word_is_found_exactly_when_the_text_contains_it()
    {
        var random = new Random(16);
        var pieces = Words.Concat(["the ", "a ", " ", ".", "\n", "é", "ü", "指", "令", "зa", "ab", "xy", "0", "?"]).ToArray();
        for (var t = 0; t < 400; t++)
        {
            var length = random.Next(0, 3000);
            var text = new System.Text.StringBuilder();
            while (text.Length < length)
            {
                // Mostly random letters, sometimes a whole trigger word or a trigger cut short (most pairs, not all).
                var roll = random.Next(10);
                var piece = pieces[random.Next(pieces.Length)];
                text.Append(roll switch
                {
                    0 => piece,
                    1 => piece[..Math.Max(1, piece.Length - 1)],
                    _ => ((char)('a' + random.Next(26))).ToString(),
                });
            }

            var lowered = text.ToString().ToLowerInvariant();
            Span<ulong> pairs = stackalloc ulong[TriggerText.PairWords];
            var prepared = new TriggerText(lowered, pairs);
            foreach (var word in Words)
            {
                Assert.True(lowered.Contains(word, StringComparison.Ordinal) == prepared.ContainsAny([word]), $"'{word}' in a text of {lowered.Length} characters");
            }

            foreach (var signal in InjectionSignals.All)
            {
                Assert.Equal(signal.Triggers.Length == 0 || signal.Triggers.Any(w => lowered.Contains(w, StringComparison.Ordinal)), signal.MayMatch(prepared));
            }

            foreach (var rule in SafetyLexicon.Rules)
            {
                Assert.Equal(rule.Triggers.Length == 0 || rule.Triggers.Any(w => lowered.Contains(w, StringComparison.Ordinal)), rule.MayMatch(prepared));
            }
        }
    }

    [Fact]
    public void A_text_with_every_trigger_word_finds_each_of_them()
    {
        var lowered = string.Join(" filler ", Words).ToLowerInvariant();
        Span<ulong> pairs = stackalloc ulong[TriggerText.PairWords];
        var prepared = new TriggerText(lowered, pairs);
        foreach (var word in Words)
        {
            Assert.True(prepared.ContainsAny([word]), word);
        }

        Assert.False(prepared.ContainsAny(["zzqqxj", "qzxv"]));
    }
}
