namespace KeepTrusts.Engine.Evaluation;

/// <summary>A sample the chain got wrong: its line, whether it was a missed attack, its score and the chain's reason.</summary>
public sealed record EvaluationMistake(int Line, bool MissedAttack, double Score, string Reason, string Text);
