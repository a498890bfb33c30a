namespace KeepTrusts.Train;

/// <summary>Hash table size (2^Bits slots), the scoring window, and the experimental hidden layer (0 dims: none).</summary>
internal sealed record ModelShape(int Bits, int Window, int Stride, int HiddenBits = 0, int HiddenDims = 0);
