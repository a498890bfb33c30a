using System.Text.RegularExpressions;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>One family of injection technique: its patterns and how much one hit weighs (0..1).</summary>
internal sealed record InjectionSignal(string Family, double Weight, Regex Pattern);
