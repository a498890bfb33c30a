using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// One signal of an injection technique: its pattern, how much one hit weighs (0..1), and cheap trigger words one of
/// which must occur (case-insensitive) before the pattern is run at all — most text contains none.
/// </summary>
internal sealed record InjectionSignal(string Family, double Weight, Regex Pattern, params string[] Triggers)
{
    /// <param name="text">The text in lower case (invariant), prepared once for all signals: triggers are lower case and compared ordinally, which is vectorized.</param>
    public bool MayMatch(in TriggerText text) => Triggers.Length == 0 || text.ContainsAny(Triggers);
}
