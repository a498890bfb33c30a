namespace KeepTrusts.Train;

/// <summary>
/// Experiment (fastText-style): each word-level feature's slot maps to a row of <see cref="Dims"/> floats in a table of
/// 2^<see cref="Bits"/> rows; a window's hidden vector is the sum of its rows times the window's normalizer, and the
/// hidden logit Σₖ output[k] · tanh(vector[k] + bias[k]) is added to the linear n-gram margin.
/// </summary>
internal sealed record HiddenLayer(int Bits, int Dims, float[] Embeddings, float[] Biases, float[] Output);
