namespace KeepTrusts.Engine.Policies.PromptInjection;

/// <summary>
/// The verdict of both layers on one text: the heuristic score (with its families and spans), the model's probability
/// (null when the classifier is off), and the combined score = the higher of the two.
/// </summary>
public sealed record LayeredInjectionScore(InjectionScore Heuristic, double? Model)
{
    public double Score => Math.Max(Heuristic.Score, Model ?? 0);

    /// <summary>"classifier" when the learned layer gave the combined score, else "heuristic".</summary>
    public string Layer => Model is { } model && model > Heuristic.Score ? "classifier" : "heuristic";

    /// <summary>Why, for the decision and the audit record: the deciding layer first, then the other.</summary>
    public string Explain()
    {
        var families = Heuristic.Families.Count == 0 ? "no signals" : string.Join(", ", Heuristic.Families);
        var heuristic = string.Create(CultureInfo.InvariantCulture, $"heuristic {Heuristic.Score:0.00} ({families})");
        if (Model is not { } model)
        {
            return heuristic;
        }

        return Layer == "classifier" ? string.Create(CultureInfo.InvariantCulture, $"classifier {model:0.00}; {heuristic}") : string.Create(CultureInfo.InvariantCulture, $"{heuristic}; classifier {model:0.00}");
    }
}
