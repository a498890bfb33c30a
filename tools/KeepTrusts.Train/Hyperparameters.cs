namespace KeepTrusts.Train;

/// <summary>What cross-validation chooses among: L2 strength and passes over the data.</summary>
internal sealed record Hyperparameters(double L2, int Epochs, double LearningRate);
