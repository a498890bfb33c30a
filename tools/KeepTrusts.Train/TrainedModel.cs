namespace KeepTrusts.Train;

/// <summary>What <see cref="LogisticTrainer"/> learns: the linear weights and bias, and the optional hidden layer.</summary>
internal sealed record TrainedModel(float[] Weights, float Bias, HiddenLayer? Hidden);
