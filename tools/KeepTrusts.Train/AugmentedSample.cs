using KeepTrusts.Engine.Evaluation;

namespace KeepTrusts.Train;

/// <summary>An augmented text and the indices of the training samples it was made from.</summary>
internal sealed record AugmentedSample(LabelledSample Sample, int[] Origins);
