using KeepTrusts.Engine.Policies.PromptInjection;

namespace KeepTrusts.Train;

/// <summary>Hash table size (2^Bits slots), the scoring window and the extra word-level features, fixed for a model.</summary>
internal sealed record ModelShape(int Bits, int Window, int Stride, InjectionFeatures Features = InjectionFeatures.None);
