namespace KeepTrusts.Train;

/// <summary>
/// What cross-validation chooses among: L2 strength, passes over the data, AdaGrad's rate, and how much more a benign
/// text weighs than its class share (above 1 the model trades recall for fewer false positives: the criterion is the
/// low-FPR end).
/// </summary>
internal sealed record Hyperparameters(double L2, int Epochs, double LearningRate, double BenignBoost = 1);
