using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// One signal of an injection technique: its pattern, how much one hit weighs (0..1), and cheap trigger words one of
/// which must occur (case-insensitive) before the pattern is run at all — most text contains none.
/// </summary>
internal sealed record InjectionSignal(string Family, double Weight, Regex Pattern, params string[] Triggers)
{
    /// <param name="lowered">The text in lower case (invariant): triggers are lower case and compared ordinally, which is vectorized.</param>
    public bool MayMatch(ReadOnlySpan<char> lowered) => Triggers.Length == 0 || PolicyPatterns.ContainsAny(lowered, Triggers);

    /// <summary>The same check on a text prepared once for all signals (<see cref="TriggerText"/>).</summary>
    public bool MayMatch(in TriggerText text) => Triggers.Length == 0 || text.ContainsAny(Triggers);
}
