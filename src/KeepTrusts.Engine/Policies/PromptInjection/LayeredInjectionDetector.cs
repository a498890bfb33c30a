using KeepTrusts.Engine.Configuration;

namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// Prompt-injection detection in layers over one normalization: the heuristics (signal families, disguise evidence and
/// the "talking about it" discount, see <see cref="PromptInjectionScorer"/>) and the learned model
/// (<see cref="InjectionModel"/>) on the same normalized text and on any decoded payload. The combined score is the
/// higher of the two: each layer alone can block, so the model adds recall on phrasings no signal lists, and the
/// heuristics keep what they always caught. The model learned discussion from hard negatives, so the heuristics'
/// discount is not applied to it a second time.
/// </summary>
public sealed class LayeredInjectionDetector
{
    private readonly Func<InjectionModel?> model;

    /// <param name="model">The learned layer; null for heuristics only.</param>
    public LayeredInjectionDetector(InjectionModel? model) => this.model = () => model;

    private LayeredInjectionDetector(Func<InjectionModel?> model) => this.model = model;

    /// <summary>Heuristics plus the model shipped in the engine (read on first use).</summary>
    public static LayeredInjectionDetector Builtin { get; } = new(() => InjectionModelFile.Builtin);

    /// <summary>Heuristics only.</summary>
    public static LayeredInjectionDetector HeuristicsOnly { get; } = new((InjectionModel?)null);

    private InjectionModel? Model => model();

    public static LayeredInjectionDetector For(InjectionClassifierMode mode) => mode == InjectionClassifierMode.Off ? HeuristicsOnly : Builtin;

    public LayeredInjectionScore Score(string text, string source = "text", bool toolResult = false)
    {
        if (text.Length == 0)
        {
            return new LayeredInjectionScore(new InjectionScore(0, [], []), Model is null ? null : 0);
        }

        using var normalized = NormalizedText.Of(text);
        var heuristic = PromptInjectionScorer.Score(normalized, text, source, toolResult);
        if (Model is not { } learned)
        {
            return new LayeredInjectionScore(heuristic, null);
        }

        var probability = learned.Probability(normalized.Lowered);
        if (normalized.LoweredDecoded is { } decoded)
        {
            probability = Math.Max(probability, learned.Probability(decoded));
        }

        return new LayeredInjectionScore(heuristic, Math.Round(probability, 3));
    }
}
