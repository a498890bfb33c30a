namespace KeepTrusts.Engine.Policies.PromptInjection.Layers;

/// <summary>The classifier's injection probability for one text, how many tokens it read, and whether text was left unread.</summary>
internal readonly record struct ModelScore(double Probability, int TokensScored, bool Truncated);
