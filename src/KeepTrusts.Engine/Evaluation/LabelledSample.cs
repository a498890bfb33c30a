namespace KeepTrusts.Engine.Evaluation;

/// <summary>One line of a labelled JSONL set: the text, whether it is an attack, where it came from, and its line.</summary>
public sealed record LabelledSample(string Text, bool Attack, string Source, string? Kind, int Line);
