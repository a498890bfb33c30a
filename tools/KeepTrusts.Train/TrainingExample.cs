namespace KeepTrusts.Train;

/// <summary>
/// A labelled text as the model sees it: the hashed n-gram slots of each of its windows and, when the model uses static
/// token embeddings, each window's L2-normalized pooled embedding (null otherwise).
/// </summary>
internal sealed record TrainingExample(int[][] Windows, float[][]? Dense, bool Attack, string Source);
