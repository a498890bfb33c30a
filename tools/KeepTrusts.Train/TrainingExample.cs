namespace KeepTrusts.Train;

/// <summary>A labelled text as the model sees it: the hashed n-gram slots of each of its windows.</summary>
internal sealed record TrainingExample(int[][] Windows, bool Attack, string Source);
