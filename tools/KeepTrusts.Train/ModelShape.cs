namespace KeepTrusts.Train;

/// <summary>Hash table size (2^Bits slots) and the scoring window, fixed for a model.</summary>
internal sealed record ModelShape(int Bits, int Window, int Stride);
